// The backup file: one header line, one manifest line (JSON), then the database copy. The manifest
// carries the copy's size and SHA-256 and the row count of every table, so a restore can prove it
// got everything: a truncated or altered file is refused before anything is written.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, rm, stat, writeFile } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FatalError } from "../lib/errors.ts";

/** First line of every backup file; the number is the format version. */
export const BACKUP_MAGIC = "FLAKEGUARD-BACKUP 1";

/** What a backup holds and how to check it. */
export interface Manifest {
  format: 1;
  backend: "sqlite" | "pglite" | "postgres";
  /** ISO time the copy was taken. */
  createdAt: string;
  /** FlakeGuard version that wrote it. */
  flakeguard: string;
  /** Applied schema migrations, in order; the last one is the schema's id. */
  migrations: string[];
  /** Rows per table at the moment of the copy. */
  counts: Record<string, number>;
  /** The database copy after the manifest line. */
  payload: { name: string; bytes: number; sha256: string };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** Writes `to` atomically (a .partial file renamed at the end): header, manifest, then the payload file. */
export async function writeBackupFile(
  to: string,
  m: Omit<Manifest, "payload">,
  payloadFile: string,
  payloadName: string,
): Promise<Manifest> {
  const manifest: Manifest = {
    ...m,
    payload: { name: payloadName, bytes: (await stat(payloadFile)).size, sha256: await sha256Of(payloadFile) },
  };
  const partial = `${to}.partial`;
  try {
    await writeFile(partial, `${BACKUP_MAGIC}\n${JSON.stringify(manifest)}\n`, { mode: 0o600 });
    await pipeline(createReadStream(payloadFile), createWriteStream(partial, { flags: "a" }));
    await rename(partial, to);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
  return manifest;
}

/** Reads and checks the header and manifest; `offset` is where the payload starts. */
export async function readManifest(file: string): Promise<{ manifest: Manifest; offset: number }> {
  const fh = await open(file, "r").catch((e: Error) => {
    throw new FatalError(`cannot read backup ${file}: ${e.message}`);
  });
  try {
    const buf = Buffer.alloc(1024 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    const first = head.indexOf(10);
    const second = first < 0 ? -1 : head.indexOf(10, first + 1);
    if (first < 0 || head.subarray(0, first).toString() !== BACKUP_MAGIC) {
      throw new FatalError(`${file} is not a FlakeGuard backup (its first line is not "${BACKUP_MAGIC}")`);
    }
    if (second < 0) throw new FatalError(`backup ${file} is truncated: its manifest is incomplete`);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(head.subarray(first + 1, second).toString()) as Manifest;
    } catch {
      throw new FatalError(`backup ${file} has a damaged manifest (not JSON)`);
    }
    if (manifest.format !== 1 || !manifest.payload || !manifest.counts || !Array.isArray(manifest.migrations)) {
      throw new FatalError(`backup ${file} has an unknown manifest format (${String(manifest.format)})`);
    }
    return { manifest, offset: second + 1 };
  } finally {
    await fh.close();
  }
}

/** Copies the payload to `dest`, refusing (and removing dest) when its size or SHA-256 differs from the manifest. */
export async function extractPayload(file: string, dest: string): Promise<Manifest> {
  const { manifest, offset } = await readManifest(file);
  const actual = (await stat(file)).size - offset;
  if (actual !== manifest.payload.bytes) {
    throw new FatalError(
      `backup ${file} is incomplete: ${actual} of ${manifest.payload.bytes} payload bytes (truncated copy?)`,
    );
  }
  const hash = createHash("sha256");
  const tee = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(file, { start: offset }), tee, createWriteStream(dest, { mode: 0o600 }));
  const sha = hash.digest("hex");
  if (sha !== manifest.payload.sha256) {
    await rm(dest, { force: true });
    throw new FatalError(
      `backup ${file} is corrupt: payload SHA-256 ${sha.slice(0, 12)}… differs from the manifest's ${manifest.payload.sha256.slice(0, 12)}…`,
    );
  }
  return manifest;
}
