/** Helpers for the ingest tests: bytes from text, chunked streams, and catching the parse error. */
import { expect } from "vitest";
import { ReportParseError } from "../../src/ingest/errors.ts";
import type { NewReport } from "../../src/store/reports.ts";

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

/** A raw report to store as queued in `projectId`: commit and run named after `n`, deduplicated by `key-n`. */
export function queuedReport(projectId: string, n: number, key: string, commit = `c${n}`, run = `r${n}`): NewReport {
  return {
    projectId,
    commit,
    branch: "main",
    pr: null,
    run,
    job: "unit",
    attempt: 1,
    variant: "",
    filename: null,
    dedupeKey: `${key}-${n}`,
    contentHash: `h${n}`,
    format: "junit",
    rawSize: 0,
    raw: new Uint8Array([1]),
  };
}
