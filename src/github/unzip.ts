/** Reads a CI artifact zip under limits: sizes, entry count, compression ratio, and only plain relative paths. */
import { fromBuffer, type Entry, type ZipFile } from "yauzl";
import type { ByteBudget } from "../lib/budget.ts";

/** The limits one artifact must stay within. */
export interface ZipLimits {
  /** Largest zip accepted (compressed). */
  maxZipBytes: number;
  /** Largest single file once extracted. */
  maxEntryBytes: number;
  /** Largest sum of extracted files. */
  maxTotalBytes: number;
  maxEntries: number;
  /** Largest uncompressed/compressed ratio of an entry over 1 MiB (a zip bomb's signature). */
  maxRatio: number;
}

/** One extracted file. */
export interface ZipFileEntry {
  path: string;
  bytes: Uint8Array;
}

/** The artifact was refused as a whole; `message` says why. */
export class ZipRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipRefused";
  }
}

const RATIO_FLOOR_BYTES = 1024 * 1024;

/** Why a path inside a zip is unsafe to use, or undefined when it is a plain relative path. */
export function unsafePath(path: string): string | undefined {
  if (path.includes("\0")) return "a NUL byte";
  if (/^([/\\]|[A-Za-z]:)/.test(path)) return "an absolute path";
  if (path.split(/[/\\]/).includes("..")) return "a '..' segment";
  return undefined;
}

/** Extracts every file of `zip` (directories skipped), or throws ZipRefused naming the first limit broken. */
export async function extractZip(
  zip: Uint8Array,
  limits: ZipLimits,
  pick: (path: string) => boolean = () => true,
): Promise<ZipFileEntry[]> {
  const out: ZipFileEntry[] = [];
  await eachZipFile(zip, limits, pick, async (f) => void out.push(f));
  return out;
}

/**
 * Hands the picked files of `zip` to `each` one at a time, each read only when the one before is done
 * with, so one entry's bytes are held at once, not the artifact's (ten 99 MB entries took 1.9 GB; issue
 * 23). Every limit is checked on the headers before any file is handed out, so a refused zip hands out
 * nothing. With `budget`, each entry's size is taken from it (waiting) while the entry is held.
 */
export async function eachZipFile(
  zip: Uint8Array,
  limits: ZipLimits,
  pick: (path: string) => boolean,
  each: (f: ZipFileEntry) => Promise<void>,
  budget?: ByteBudget,
): Promise<void> {
  if (zip.byteLength > limits.maxZipBytes)
    throw new ZipRefused(`the zip is ${zip.byteLength} bytes, over the limit of ${limits.maxZipBytes}`);
  const picked = new Set<string>();
  await walk(zip, limits, async (path) => {
    if (pick(path)) picked.add(path);
  });
  await walk(zip, limits, async (path, read) => {
    if (!picked.has(path)) return;
    const bytes = await read(budget);
    try {
      await each({ path, bytes: bytes.data });
    } finally {
      budget?.give(bytes.taken);
    }
  });
}

type ReadEntry = (budget?: ByteBudget) => Promise<{ data: Uint8Array; taken: number }>;

/** Visits each file entry of `zip` after checking its header against `limits`; `read` inflates it. */
async function walk(zip: Uint8Array, limits: ZipLimits, visit: (path: string, read: ReadEntry) => Promise<void>) {
  // decodeStrings off: yauzl would refuse bad names with its own wording; we check them ourselves, byte for byte.
  const file = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(
      Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength),
      { lazyEntries: true, validateEntrySizes: true, decodeStrings: false },
      (err, z) => (err ? reject(new ZipRefused(`not a readable zip: ${err.message}`)) : resolve(z)),
    ),
  );
  if (file.entryCount > limits.maxEntries) {
    file.close();
    throw new ZipRefused(`the zip has ${file.entryCount} entries, over the limit of ${limits.maxEntries}`);
  }
  let total = 0;
  try {
    for (;;) {
      const entry = await nextEntry(file);
      if (!entry) break;
      const path = Buffer.from(entry.fileName as unknown as Buffer).toString("utf8");
      const unsafe = unsafePath(path);
      if (unsafe) throw new ZipRefused(`entry '${path}' has ${unsafe}`);
      if (path.endsWith("/")) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes)
        throw new ZipRefused(
          `entry '${path}' is ${entry.uncompressedSize} bytes extracted, over the limit of ${limits.maxEntryBytes}`,
        );
      if (
        entry.uncompressedSize > RATIO_FLOOR_BYTES &&
        entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)
      ) {
        throw new ZipRefused(
          `entry '${path}' expands ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}× (limit ${limits.maxRatio}×): refused as a zip bomb`,
        );
      }
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes)
        throw new ZipRefused(`the zip holds more than ${limits.maxTotalBytes} bytes extracted`);
      await visit(path, async (budget) => {
        const taken = budget ? await budget.take(entry.uncompressedSize) : 0;
        try {
          return { data: await readEntry(file, entry, limits.maxEntryBytes), taken };
        } catch (e) {
          budget?.give(taken);
          throw e;
        }
      });
    }
  } finally {
    file.close();
  }
}

function nextEntry(file: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      file.off("entry", onEntry);
      file.off("end", onEnd);
      file.off("error", onError);
    };
    const onEntry = (e: Entry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new ZipRefused(`not a readable zip: ${e.message}`));
    };
    file.on("entry", onEntry).on("end", onEnd).on("error", onError);
    file.readEntry();
  });
}

/** The entry's bytes; the stream fails when the data inflates past its declared size (validateEntrySizes), and we cap it too. */
function readEntry(file: ZipFile, entry: Entry, max: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    file.openReadStream(entry, (err, stream) => {
      if (err) return reject(new ZipRefused(`entry unreadable: ${err.message}`));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (c: Buffer) => {
        size += c.length;
        if (size > max) stream.destroy(new Error(`inflates past ${max} bytes`));
        else chunks.push(c);
      });
      stream.on("error", (e) => reject(new ZipRefused(`entry '${String(entry.fileName)}' refused: ${e.message}`)));
      stream.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    });
  });
}
