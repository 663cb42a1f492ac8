/** Helpers for the ingest tests: bytes from text, chunked streams, and catching the parse error. */
import { expect } from "vitest";
import { ReportParseError } from "../../src/ingest/errors.ts";

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The bytes as a stream of chunks of `size` bytes (splitting multi-byte characters on purpose). */
export async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.byteLength; offset += size) yield data.subarray(offset, offset + size);
}

/** The ReportParseError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function parseError(promise: Promise<unknown>): Promise<ReportParseError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ReportParseError);
  return error as ReportParseError;
}
