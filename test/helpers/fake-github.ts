// A local fake of the GitHub REST API routes FlakeGuard uses, speaking their real paths, status codes and
// headers (x-ratelimit-*, Retry-After, 302 to artifact blobs), with a switch for rate-limit answers, and a
// record of every request for assertions.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal } from "./local-server.ts";

/** One request the fake received. */
export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  status: number;
}

/** A planned failure: the next `times` requests matching method and path get this answer. */
export interface PlannedFailure {
  method: string;
  path: RegExp;
  status: 403 | 429 | 500 | 502;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Epoch seconds, sent as x-ratelimit-reset with x-ratelimit-remaining: 0 (primary limit). */
  resetAt?: number;
  times?: number;
}

interface CheckRun {
  id: number;
  head_sha: string;
  external_id: string;
  name: string;
  conclusion: string;
  output: { title: string; summary: string };
  annotations: unknown[];
  actions: unknown[];
}
interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: string;
  state_reason: string | null;
}
interface Comment {
  id: number;
  issue: number;
  body: string;
}

/** The fake's state, open for tests to arrange and inspect. */
export interface FakeGitHub {
  url: string;
  requests: Recorded[];
  /** Artifacts of a run, by repo and run id: name → zip bytes. */
  setArtifacts(repo: string, runId: number | string, artifacts: Record<string, Uint8Array>): void;
  fail(f: PlannedFailure): void;
  checkRuns: CheckRun[];
  issues: Map<string, Issue[]>;
  comments: Map<string, Comment[]>;
  tokensIssued: number;
  /** Requests matching method and a path pattern that were answered with `status` (any status when omitted). */
  calls(method: string, path: RegExp, status?: number): Recorded[];
  close(): Promise<void>;
}

const RATE_LIMIT = 5000;

/** Starts the fake. `appPublicKey` (PEM) verifies App JWTs on the access-token route. */
export async function startFakeGitHub(opts: { appPublicKey?: string; appId?: string } = {}): Promise<FakeGitHub> {
  const publicKey: KeyObject | undefined = opts.appPublicKey ? createPublicKey(opts.appPublicKey) : undefined;
  const artifacts = new Map<string, { id: number; name: string; zip: Uint8Array }[]>();
  const blobs = new Map<number, Uint8Array>();
  const failures: (PlannedFailure & { left: number })[] = [];
  let nextId = 1000;
  let used = 0;
  const state = {
    requests: [] as Recorded[],
    checkRuns: [] as CheckRun[],
    issues: new Map<string, Issue[]>(),
    comments: new Map<string, Comment[]>(),
    tokensIssued: 0,
  };
  const tokens = new Set<string>();

  const handle = (req: IncomingMessage, raw: Buffer, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const body =
      raw.length > 0 && (req.headers["content-type"] ?? "").includes("json")
        ? JSON.parse(raw.toString("utf8"))
        : undefined;
    const rec: Recorded = {
      method,
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body,
      status: 0,
    };
    state.requests.push(rec);
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      used++;
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-github-media-type": "github.v3; format=json",
        "x-ratelimit-limit": String(RATE_LIMIT),
        "x-ratelimit-remaining": String(RATE_LIMIT - used),
        "x-ratelimit-used": String(used),
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
        "x-ratelimit-resource": "core",
        "x-github-request-id": `FAKE:${used}`,
        // A fresh connection per request: a kept-alive one closed by the server just as the client reuses it fails at random.
        connection: "close",
        ...headers,
      });
      res.end(json === undefined ? "" : JSON.stringify(json));
    };
    const notFound = () =>
      send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });

    // Artifact blob storage: signed URL, no Authorization expected (GitHub's storage rejects it).
    const blob = /^\/_blobs\/(\d+)$/.exec(url.pathname);
    if (blob) {
      const zip = blobs.get(Number(blob[1]));
      if (!zip || req.headers.authorization) return send(zip ? 400 : 404, { message: "blob" });
      rec.status = 200;
      res.writeHead(200, {
        "content-type": "application/zip",
        "content-length": String(zip.byteLength),
        connection: "close",
      });
      return res.end(zip);
    }

    const planned = failures.find((f) => f.left > 0 && f.method === method && f.path.test(url.pathname));
    if (planned) {
      planned.left--;
      const headers: Record<string, string> = {};
      if (planned.retryAfter !== undefined) headers["retry-after"] = String(planned.retryAfter);
      if (planned.resetAt !== undefined)
        Object.assign(headers, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(planned.resetAt) });
      const message =
        planned.status === 403 || planned.status === 429
          ? "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
          : "Server Error";
      return send(
        planned.status,
        { message, documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" },
        headers,
      );
    }

    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
    const accessTokens = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (accessTokens && method === "POST") {
      if (!token || (publicKey && !validJwt(token, publicKey, opts.appId)))
        return send(401, {
          message: "A JSON web token could not be decoded",
          documentation_url: "https://docs.github.com/rest",
        });
      const issued = `ghs_fake${++state.tokensIssued}x${accessTokens[1]}`;
      tokens.add(issued);
      return send(201, {
        token: issued,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: { checks: "write", issues: "write", actions: "write" },
        repository_selection: "selected",
      });
    }
    if (!token || (token.startsWith("ghs_") && !tokens.has(token)))
      return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });

    const m = /^\/repos\/([^/]+\/[^/]+)(\/.*)$/.exec(url.pathname);
    if (!m) return notFound();
    const [, repo, rest] = m;
    let r: RegExpExecArray | null;
    if ((r = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(rest)) && method === "GET") {
      const list = artifacts.get(`${repo}#${r[1]}`) ?? [];
      return send(200, {
        total_count: list.length,
        artifacts: list.map((a) => ({
          id: a.id,
          node_id: `MDg6QXJ0aWZhY3Qx${a.id}`,
          name: a.name,
          size_in_bytes: a.zip.byteLength,
          url: `https://api.github.com/repos/${repo}/actions/artifacts/${a.id}`,
          archive_download_url: `https://api.github.com/repos/${repo}/actions/artifacts/${a.id}/zip`,
          expired: false,
          created_at: "2026-11-26T14:09:00Z",
          expires_at: "2027-02-24T14:09:00Z",
          updated_at: "2026-11-26T14:09:00Z",
          workflow_run: {
            id: Number(r![1]),
            repository_id: 801234567,
            head_repository_id: 801234567,
            head_branch: "main",
            head_sha: "0",
          },
        })),
      });
    }
    if ((r = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(rest)) && method === "GET") {
      if (!blobs.has(Number(r[1]))) return notFound();
      return send(302, undefined, { location: `${fake.url}/_blobs/${r[1]}?sig=fake-signed-url` });
    }
    if ((r = /^\/actions\/runs\/(\d+)\/rerun-failed-jobs$/.exec(rest)) && method === "POST") return send(201, {});
    if (rest === "/check-runs" && method === "POST") {
      const run: CheckRun = {
        id: ++nextId,
        head_sha: body.head_sha,
        external_id: body.external_id,
        name: body.name,
        conclusion: body.conclusion,
        output: body.output,
        annotations: [...(body.output?.annotations ?? [])],
        actions: body.actions ?? [],
      };
      if ((body.output?.annotations?.length ?? 0) > 50)
        return send(422, { message: "Only 50 annotations are allowed per request", status: "422" });
      state.checkRuns.push(run);
      return send(201, {
        id: run.id,
        head_sha: run.head_sha,
        external_id: run.external_id,
        name: run.name,
        status: "completed",
        conclusion: run.conclusion,
      });
    }
    if ((r = /^\/check-runs\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const run = state.checkRuns.find((c) => c.id === Number(r![1]));
      if (!run) return notFound();
      if ((body.output?.annotations?.length ?? 0) > 50)
        return send(422, { message: "Only 50 annotations are allowed per request", status: "422" });
      if (body.conclusion) run.conclusion = body.conclusion;
      if (body.output) {
        run.output = { title: body.output.title, summary: body.output.summary };
        run.annotations.push(...(body.output.annotations ?? []));
      }
      if (body.actions) run.actions = body.actions;
      return send(200, { id: run.id, conclusion: run.conclusion });
    }
    if ((r = /^\/commits\/([0-9a-f]+)\/check-runs$/.exec(rest)) && method === "GET") {
      const found = state.checkRuns.filter(
        (c) =>
          c.head_sha === r![1] &&
          (!url.searchParams.get("check_name") || c.name === url.searchParams.get("check_name")),
      );
      return send(200, {
        total_count: found.length,
        check_runs: found.map((c) => ({ id: c.id, name: c.name, head_sha: c.head_sha, external_id: c.external_id })),
      });
    }
    const issues = state.issues.get(repo) ?? [];
    state.issues.set(repo, issues);
    const comments = state.comments.get(repo) ?? [];
    state.comments.set(repo, comments);
    if (rest === "/issues" && method === "POST") {
      const number = issues.length + 1;
      const issue: Issue = {
        number,
        title: body.title,
        body: body.body ?? "",
        labels: body.labels ?? [],
        state: "open",
        state_reason: null,
      };
      issues.push(issue);
      return send(201, { ...issue, labels: issue.labels.map((name) => ({ name })) });
    }
    if ((r = /^\/issues\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const issue = issues.find((i) => i.number === Number(r![1]));
      if (!issue) return notFound();
      if (body.state) {
        issue.state = body.state;
        issue.state_reason = body.state_reason ?? null;
      }
      return send(200, { ...issue, labels: issue.labels.map((name) => ({ name })) });
    }
    if ((r = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const number = Number(r[1]);
      if (method === "GET") {
        const all = comments.filter((c) => c.issue === number);
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const link: Record<string, string> =
          page * perPage < all.length
            ? { link: `<${fake.url}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` }
            : {};
        return send(
          200,
          slice.map((c) => ({ id: c.id, body: c.body, user: { login: "flakeguard[bot]", type: "Bot" } })),
          link,
        );
      }
      if (method === "POST") {
        const c: Comment = { id: ++nextId, issue: number, body: body.body };
        comments.push(c);
        return send(201, { id: c.id, body: c.body });
      }
    }
    if ((r = /^\/issues\/comments\/(\d+)$/.exec(rest)) && method === "PATCH") {
      const c = comments.find((x) => x.id === Number(r![1]));
      if (!c) return notFound();
      c.body = body.body;
      return send(200, { id: c.id, body: c.body });
    }
    return notFound();
  };

  const server = await listenLocal(handle);
  const fake: FakeGitHub = {
    url: server.url,
    ...state,
    get tokensIssued() {
      return state.tokensIssued;
    },
    setArtifacts(repo, runId, named) {
      artifacts.set(
        `${repo}#${runId}`,
        Object.entries(named).map(([name, zip]) => {
          const id = ++nextId;
          blobs.set(id, zip);
          return { id, name, zip };
        }),
      );
    },
    fail(f) {
      failures.push({ ...f, left: f.times ?? 1 });
    },
    calls(method, path, status) {
      return state.requests.filter(
        (q) => q.method === method && path.test(q.path) && (status === undefined || q.status === status),
      );
    },
    close: server.close,
  };
  return fake;
}

function validJwt(jwt: string, key: KeyObject, appId: string | undefined): boolean {
  const [h, p, s] = jwt.split(".");
  if (!h || !p || !s) return false;
  if (!verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"))) return false;
  const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as {
    iss?: string;
    exp?: number;
    iat?: number;
  };
  return (
    (appId === undefined || claims.iss === appId) &&
    typeof claims.exp === "number" &&
    typeof claims.iat === "number" &&
    claims.exp - claims.iat <= 600
  );
}
