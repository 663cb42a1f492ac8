/** Report bytes as they arrive: one buffer or a stream of chunks, always bounded by maxBytes. */
import { ReportParseError } from "./errors.ts";

/** What a parser reads: a whole buffer or chunks as they arrive (never a DOM). */
export type ReportInput = Uint8Array | AsyncIterable<Uint8Array>;

/** Yields the input's chunks, refusing it (413) as soon as it passes maxBytes. */
export async function* boundedChunks(input: ReportInput, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = input instanceof Uint8Array ? [input] : input;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new ReportParseError("limit_exceeded", `report larger than the limit of ${maxBytes} bytes`);
    }
    if (chunk.byteLength > 0) yield chunk;
  }
}

/** The first bytes of a report, and the whole report again (head included) for the parser. */
export interface PeekedInput {
  head: Uint8Array;
  input: AsyncIterable<Uint8Array>;
}

/** Reads at least `size` bytes (or all there is) without losing them, so the format can be sniffed first. */
export async function peekHead(input: ReportInput, size: number): Promise<PeekedInput> {
  if (input instanceof Uint8Array) return { head: input.subarray(0, size), input: single(input) };
  const iterator = input[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    length += next.value.byteLength;
  }
  const head = concatBytes(seen).subarray(0, size);
  return { head, input: replay(seen, done ? undefined : iterator) };
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function* replay(seen: Uint8Array[], rest: AsyncIterator<Uint8Array> | undefined): AsyncGenerator<Uint8Array> {
  yield* seen;
  if (!rest) return;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Joins chunks into one buffer. */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Reads the whole (bounded) input into one buffer, for formats parsed in one piece (JSON). */
export async function readAll(input: ReportInput, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of boundedChunks(input, maxBytes)) chunks.push(chunk);
  return concatBytes(chunks.length === 0 ? [new Uint8Array(0)] : chunks);
}
