import type { BudgetLease } from "../lib/budget.ts";
import { AppError } from "../lib/errors.ts";

/** One uploaded file: its bytes (decompressed), and what the client said about it. */
export interface UploadedFile {
  bytes: Uint8Array;
  contentType: string | undefined;
  filename: string | null;
}

const ENCODINGS = new Set(["gzip", "x-gzip", "deflate", "identity"]);

/**
 * Reads a request body, undoing `Content-Encoding` (gzip, deflate, stacked: `gzip, gzip`), and refuses
 * with 413 as soon as the compressed or the decompressed bytes pass `maxBytes` — a gzip bomb costs at
 * most that much memory.
 */
export async function readBody(req: Request, maxBytes: number, lease?: BudgetLease): Promise<Uint8Array> {
  const encodings = (req.headers.get("content-encoding") ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const unknown = encodings.find((e) => !ENCODINGS.has(e));
  if (unknown)
    throw new AppError(415, "unsupported_encoding", `Content-Encoding '${unknown}' is not supported (use gzip)`);
  if (encodings.length > 3) throw new AppError(415, "unsupported_encoding", "more than 3 stacked Content-Encodings");
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return new Uint8Array(0);
  const decoders = encodings.filter((e) => e !== "identity").reverse();
  // The last stage's bytes are the ones held: they count against the shared budget.
  let stream: ReadableStream<Uint8Array> = req.body.pipeThrough(limiter(maxBytes, decoders.length ? undefined : lease));
  decoders.forEach((e, i) => {
    const format = e === "deflate" ? "deflate" : "gzip";
    stream = stream
      .pipeThrough(new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Uint8Array>)
      .pipeThrough(limiter(maxBytes, i === decoders.length - 1 ? lease : undefined));
  });
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (encodings.some((x) => x !== "identity")) {
      throw new AppError(
        400,
        "bad_encoding",
        `the body is not valid ${encodings.join(", ")} data: ${(e as Error).message}`,
      );
    }
    throw e;
  }
}

/** A pass-through that errors with 413 after `maxBytes`, and with 503 when `lease` cannot take a chunk. */
function limiter(maxBytes: number, lease?: BudgetLease): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes) controller.error(tooLarge(maxBytes));
      else if (lease && !lease.tryTake(chunk.byteLength)) controller.error(overBudget());
      else controller.enqueue(chunk);
    },
  });
}

/**
 * The shared budget of decompressed bytes is spent: nothing was stored, and the client should come back
 * (`flakeguard upload` retries 503 after Retry-After). Refusing rather than waiting: a request that
 * waited while holding part of the budget could hold it against the others forever.
 */
function overBudget(): AppError {
  return new AppError(
    503,
    "busy",
    "the server is holding as many uploaded bytes as its memory budget allows (uploadMemoryBudget); nothing was stored; retry shortly",
    { "Retry-After": "2" },
  );
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    413,
    "payload_too_large",
    `the report is larger than the limit of ${formatBytes(maxBytes)} (after decompression)`,
  );
}

/** 104857600 → "100 MiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * The files of an upload: each file part of a multipart body (a part named *.gz or sent as
 * application/gzip is decompressed), or the raw body as one file.
 */
export async function readUpload(
  req: Request,
  maxBytes: number,
  maxParts: number,
  lease?: BudgetLease,
): Promise<UploadedFile[]> {
  const body = await readBody(req, maxBytes, lease);
  const type = req.headers.get("content-type") ?? undefined;
  if (!type || !/^multipart\/form-data/i.test(type)) return [{ bytes: body, contentType: type, filename: null }];
  // Counted on the bytes before any part is parsed: each part costs far more than its bytes once read.
  const parts = countParts(body, type);
  if (parts > maxParts) {
    throw new AppError(
      413,
      "too_many_parts",
      `the multipart body has ${parts} parts, more than the limit of ${maxParts} (maxUploadParts); send fewer files per request`,
    );
  }
  let form: FormData;
  try {
    form = await new Response(body as BodyInit, { headers: { "content-type": type } }).formData();
  } catch (e) {
    throw new AppError(400, "bad_multipart", `the multipart body cannot be read: ${(e as Error).message}`);
  }
  const files: UploadedFile[] = [];
  let total = 0;
  for (const [, value] of form.entries()) {
    if (typeof value === "string") continue;
    let bytes: Uint8Array = new Uint8Array(await value.arrayBuffer());
    let contentType = value.type || undefined;
    if (value.name.endsWith(".gz") || value.type === "application/gzip") {
      contentType = undefined; // the type named the compression, not the report
      const inflated = new Blob([bytes as BlobPart])
        .stream()
        .pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
        .pipeThrough(limiter(maxBytes - total, lease));
      try {
        bytes = new Uint8Array(await new Response(inflated).arrayBuffer());
      } catch (e) {
        if (e instanceof AppError) throw e;
        throw new AppError(400, "bad_encoding", `file '${value.name}' is not valid gzip data`);
      }
    }
    total += bytes.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    files.push({ bytes, contentType, filename: value.name.replace(/\.gz$/, "") || null });
  }
  if (files.length === 0) throw new AppError(400, "no_files", "the multipart body has no file parts");
  return files;
}

/**
 * How many parts a multipart body holds: its boundary delimiters (`--boundary` at a line start), less the
 * closing one. A boundary cannot occur inside a part, so this counts what formData() would read, in one
 * pass over the bytes and without copying them; an unreadable body counts 0 (formData() then refuses it).
 */
export function countParts(body: Uint8Array, contentType: string): number {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return 0;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let count = 0;
  for (let at = bytes.indexOf(delimiter); at >= 0; at = bytes.indexOf(delimiter, at + delimiter.length)) {
    if (at === 0 || bytes[at - 1] === 0x0a) count++;
  }
  return Math.max(0, count - 1);
}
