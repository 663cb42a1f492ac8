/** A small GitHub REST client over fetch: JSON in and out, rate limits honoured, failures sorted into retryable and not. */

/** A failure worth retrying later (rate limit, 5xx, timeout); `retryAt` says when, when GitHub said. */
export class GitHubRetryableError extends Error {
  readonly status: number | null;
  readonly retryAt: number | undefined;
  constructor(message: string, status: number | null, retryAt?: number) {
    super(message);
    this.name = "GitHubRetryableError";
    this.status = status;
    this.retryAt = retryAt;
  }
}

/** A failure retrying cannot fix (401, 404, 422 …). */
export class GitHubError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = "GitHubError";
    this.status = status;
  }
}

/** One answer. */
export interface GitHubResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/** How requests authenticate: `Bearer <token>` from this function (installation, App JWT or personal token). */
export type TokenSource = () => Promise<string> | string;

/** Options of a client. */
export interface ClientOptions {
  baseUrl: string;
  token: TokenSource;
  clock: () => number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The REST client. */
export interface GitHubClient {
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    init?: { redirect?: RequestRedirect; accept?: string },
  ): Promise<GitHubResponse<T>>;
  /** Every page of a list endpoint (`per_page=100`, following `Link: rel="next"`); `pick` takes the items out of a page. */
  paginate<T>(path: string, pick?: (page: unknown) => T[]): Promise<T[]>;
}

/** GitHub asks for at least a minute's wait after a secondary rate limit that names no time. */
const SECONDARY_WAIT_MS = 60_000;
const MAX_PAGES = 50;

/** When a rate-limited answer says we may try again, or undefined when it is not a rate limit. */
export function rateLimitedUntil(status: number, headers: Headers, now: number, text = ""): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && /^\d+$/.test(retryAfter.trim())) return now + Number(retryAfter) * 1000;
  if (headers.get("x-ratelimit-remaining") === "0") {
    const reset = Number(headers.get("x-ratelimit-reset"));
    return Number.isFinite(reset) && reset > 0 ? Math.max(reset * 1000, now + 1000) : now + SECONDARY_WAIT_MS;
  }
  if (status === 429 || /rate limit/i.test(text)) return now + SECONDARY_WAIT_MS;
  return undefined;
}

/** A client for one token source; it stops sending once GitHub said the budget is spent, until the reset. */
export function createGitHubClient(o: ClientOptions): GitHubClient {
  const doFetch = o.fetch ?? fetch;
  let blockedUntil = 0;
  const base = o.baseUrl.replace(/\/+$/, "");
  const request = async <T>(
    method: string,
    path: string,
    body?: unknown,
    init: { redirect?: RequestRedirect; accept?: string } = {},
  ): Promise<GitHubResponse<T>> => {
    const now = o.clock();
    if (blockedUntil > now)
      throw new GitHubRetryableError(
        `GitHub rate limit: waiting until ${new Date(blockedUntil).toISOString()}`,
        null,
        blockedUntil,
      );
    const url = path.startsWith("http") ? path : base + path;
    let res: Response | undefined;
    // A GET is sent twice when the first dies on the network: a kept-alive connection the server had just closed.
    for (let tries = method === "GET" ? 2 : 1; !res; tries--) {
      try {
        res = await doFetch(url, {
          method,
          redirect: init.redirect ?? "follow",
          signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
          headers: {
            accept: init.accept ?? "application/vnd.github+json",
            "x-github-api-version": "2022-11-28",
            "user-agent": "flakeguard",
            authorization: `Bearer ${await o.token()}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (e) {
        if (tries <= 1) throw new GitHubRetryableError(`${method} ${path}: ${(e as Error).message}`, null);
      }
    }
    if (res.headers.get("x-ratelimit-remaining") === "0" && res.ok) {
      blockedUntil = Math.max(blockedUntil, Number(res.headers.get("x-ratelimit-reset")) * 1000 || 0);
    }
    if (res.status >= 300 && res.status < 400 && init.redirect === "manual")
      return { status: res.status, data: undefined as T, headers: res.headers };
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      const until = rateLimitedUntil(res.status, res.headers, o.clock(), text);
      const what = `${method} ${path}: GitHub answered ${res.status} ${text.slice(0, 300)}`;
      if (until !== undefined) {
        blockedUntil = Math.max(blockedUntil, until);
        throw new GitHubRetryableError(what, res.status, until);
      }
      if (res.status >= 500 || res.status === 408) throw new GitHubRetryableError(what, res.status);
      throw new GitHubError(what, res.status);
    }
    const text = await res.text();
    return { status: res.status, data: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  };
  return {
    request,
    async paginate<T>(path: string, pick: (page: unknown) => T[] = (p) => p as T[]) {
      const out: T[] = [];
      let next: string | undefined = path + (path.includes("?") ? "&" : "?") + "per_page=100";
      for (let i = 0; next && i < MAX_PAGES; i++) {
        const page: GitHubResponse<unknown> = await request<unknown>("GET", next);
        out.push(...pick(page.data));
        next = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get("link") ?? "")?.[1];
      }
      return out;
    },
  };
}
