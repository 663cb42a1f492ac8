import { anySignal } from "../../lib/abort.ts";
import { FatalError } from "../../lib/errors.ts";
import { describeErrorAnswer } from "../upload/response.ts";
import type { HttpAnswer } from "../upload/retry.ts";
import { withRetries } from "../upload/retry.ts";
import type { SendDeps } from "../upload/send.ts";

/** Where the API is and who is asking. */
export interface ApiTarget {
  server: string;
  token: string;
  project: string;
}

/** One quarantined test as `GET …/quarantine` lists it. */
export interface QuarantineEntry {
  testId: string;
  suite: string;
  name: string;
  file: string;
  mode: string;
  reason: string;
  owner: string;
  decidedBy: string;
  since: string;
  expiresAt: string | null;
}

/** One answer of `POST …/quarantine/check` for a test that is quarantined. */
export interface CheckedTest {
  test: string;
  testId: string;
  mode: string;
  reason: string;
}

/** A request the server refused; the message is the server's own, prefixed with the HTTP status. */
export class ApiRefusal extends FatalError {}

/** Options of one API call: `retry` for idempotent reads a CI job should not lose to a hiccup. */
export interface CallOptions {
  body?: unknown;
  retry?: boolean;
  stop?: AbortSignal;
  onRetry?: (reason: string, delayMs: number, next: number, max: number) => void;
}

/** Calls `{server}/api/v1/projects/{project}{path}`; resolves to the 2xx body text, throws ApiRefusal otherwise. */
export async function callApi(
  target: ApiTarget,
  deps: SendDeps,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<string> {
  const url = `${target.server}/api/v1/projects/${encodeURIComponent(target.project)}${path}`;
  const stop = options.stop ?? new AbortController().signal;
  const attempt = async (): Promise<HttpAnswer> => {
    const response = await deps.fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        accept: "application/json",
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: anySignal([stop, AbortSignal.timeout(deps.requestTimeoutMs)]),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const answer = options.retry
    ? await withRetries(attempt, deps, stop, options.onRetry ?? (() => {}))
    : await attempt();
  if (answer.status < 200 || answer.status >= 300)
    throw new ApiRefusal(describeErrorAnswer(answer.status, answer.text));
  return answer.text;
}

/** Asks which of the tests (`suite::name` or ids) are quarantined; retried like an upload. */
export async function checkQuarantine(
  target: ApiTarget,
  deps: SendDeps,
  tests: string[],
  options: CallOptions = {},
): Promise<CheckedTest[]> {
  const text = await callApi(target, deps, "POST", "/quarantine/check", { ...options, body: { tests }, retry: true });
  const body = JSON.parse(text) as { quarantined?: unknown };
  if (!Array.isArray(body.quarantined)) throw new ApiRefusal("the server's check answer has no 'quarantined' list");
  return body.quarantined as CheckedTest[];
}

/** The project's quarantine list. */
export async function listQuarantine(target: ApiTarget, deps: SendDeps): Promise<QuarantineEntry[]> {
  const body = JSON.parse(await callApi(target, deps, "GET", "/quarantine", { retry: true })) as {
    tests?: QuarantineEntry[];
  };
  return body.tests ?? [];
}
