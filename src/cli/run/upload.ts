import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import type { ReportFile } from "../upload/files.ts";
import { contentTypeFor } from "../upload/files.ts";
import type { ReadyPlan } from "../upload/options.ts";
import { describeErrorAnswer } from "../upload/response.ts";
import { describeNetworkError } from "../upload/retry.ts";
import type { SendDeps } from "../upload/send.ts";
import { reportsUrl, sendReport } from "../upload/send.ts";

/**
 * Uploads the files one after another as `flakeguard upload` does (gzipped, retried) and stops at the first
 * that fails: the wrapper then skips the quarantine check anyway, so the rest would only delay the job.
 * Resolves to undefined when all went up, else why not. `info` gets progress lines (stdout, not warnings).
 */
export async function uploadReports(
  plan: ReadyPlan,
  files: ReportFile[],
  deps: SendDeps,
  info: (line: string) => void,
): Promise<string | undefined> {
  const url = reportsUrl(plan.server, plan.project, plan.metadata);
  const stop = new AbortController().signal;
  for (const file of files) {
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = new Uint8Array(gzipSync(await readFile(file.path)));
    } catch (error) {
      return `cannot read ${file.displayPath}: ${(error as Error).message}`;
    }
    const onRetry = (reason: string, delayMs: number, next: number, max: number) =>
      info(`${file.displayPath}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)}s (attempt ${next} of ${max})`);
    try {
      const request = { url, token: plan.token, contentType: contentTypeFor(file.path), gzippedBody: body };
      const answer = await sendReport(request, deps, stop, onRetry);
      if (answer.status < 200 || answer.status >= 300)
        return `upload of ${file.displayPath} failed: ${describeErrorAnswer(answer.status, answer.text)}`;
      info(`uploaded ${file.displayPath}`);
    } catch (error) {
      return `upload of ${file.displayPath} failed: ${describeNetworkError(error)}`;
    }
  }
  return undefined;
}
