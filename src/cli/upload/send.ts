import { anySignal } from "../../lib/abort.ts";
import type { HttpAnswer, RetryDeps, RetryNotice } from "./retry.ts";
import { withRetries } from "./retry.ts";
import type { UploadMetadata } from "./options.ts";

/** The outside world one upload touches; tests pass a fetch aimed at a local server and a recording sleep. */
export interface SendDeps extends RetryDeps {
  fetch: typeof fetch;
  /** Per attempt; a hung connection counts as a network error and is retried. */
  requestTimeoutMs: number;
}

/** One prepared request: where, with which token, what bytes. */
export interface ReportRequest {
  url: string;
  token: string;
  contentType: string;
  gzippedBody: Uint8Array<ArrayBuffer>;
}

/** `{server}/api/v1/projects/{project}/reports?commit=…&variant=k=v&…`, with only the metadata that is known. */
export function reportsUrl(server: string, project: string, metadata: UploadMetadata): string {
  const query = new URLSearchParams();
  const scalar = {
    commit: metadata.commit,
    branch: metadata.branch,
    pr: metadata.pr,
    run: metadata.run,
    job: metadata.job,
    attempt: metadata.attempt,
  };
  for (const [key, value] of Object.entries(scalar)) {
    if (value !== undefined) query.append(key, String(value));
  }
  for (const variant of metadata.variants) query.append("variant", variant);
  if (metadata.format) query.append("format", metadata.format);
  const search = query.toString();
  return `${server}/api/v1/projects/${encodeURIComponent(project)}/reports${search ? `?${search}` : ""}`;
}

/** POSTs one gzipped report, retrying 429, 5xx and network errors; throws only the last network error. */
export async function sendReport(
  request: ReportRequest,
  deps: SendDeps,
  stop: AbortSignal,
  onRetry: RetryNotice,
): Promise<HttpAnswer> {
  const attempt = async (): Promise<HttpAnswer> => {
    const response = await deps.fetch(request.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${request.token}`,
        "content-type": request.contentType,
        "content-encoding": "gzip",
        accept: "application/json",
      },
      body: request.gzippedBody,
      signal: anySignal([stop, AbortSignal.timeout(deps.requestTimeoutMs)]),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return withRetries(attempt, deps, stop, onRetry);
}

/** Hides `user:password@` in a server URL before it is printed. */
export function redactUrl(url: string): string {
  return url.replace(/^(https?:\/\/)[^/@]*@/i, "$1***@");
}
