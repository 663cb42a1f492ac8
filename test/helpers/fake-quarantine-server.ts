import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import type { QuarantineEntry } from "../../src/cli/quarantine/client.ts";
import { listenLocal } from "./local-server.ts";

/** A test the fake server knows, as `GET …/tests` lists it. */
export interface FakeTest {
  id: string;
  suite: string;
  name: string;
  file: string;
}

/** One request as the fake received it, body decoded (gunzipped when it was). */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: string;
  body: string;
}

/**
 * A real HTTP server on 127.0.0.1 speaking the quarantine contract (list, check, add, release), test search
 * and report upload, over an in-memory state the test sets up. Upload tokens start with fgu_, admin ones fga_.
 */
export async function startQuarantineServer(state: { tests: FakeTest[]; quarantined: QuarantineEntry[] }) {
  const requests: SeenRequest[] = [];
  const server = await listenLocal((request, raw, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const body = (request.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString();
    const seen = {
      method: request.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      auth: request.headers.authorization ?? "",
      body,
    };
    requests.push(seen);
    answer(seen, state, response, request);
  });
  return { ...server, requests };
}

function answer(
  seen: SeenRequest,
  state: { tests: FakeTest[]; quarantined: QuarantineEntry[] },
  response: ServerResponse,
  request: IncomingMessage,
) {
  const send = (status: number, body: unknown) => {
    response.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
    response.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const error = (status: number, code: string, message: string) => send(status, { error: { code, message } });
  const match = /^\/api\/v1\/projects\/web(\/.*)$/.exec(seen.path);
  if (!seen.auth.startsWith("Bearer fg")) return error(401, "unauthorized", "missing or unknown token");
  if (!match) return error(404, "not_found", "project not found");
  const admin = seen.auth.startsWith("Bearer fga_");
  const route = `${seen.method} ${match[1]}`;
  const key = (q: QuarantineEntry) => `${q.suite}::${q.name}`;
  if (route === "POST /reports")
    return send(201, { reports: [{ id: `r_${request.headers["content-type"]}`, status: "processed" }] });
  if (route === "GET /tests") {
    const q = seen.query.get("q") ?? "";
    return send(200, { tests: state.tests.filter((t) => t.name.includes(q) || t.suite.includes(q)), nextCursor: null });
  }
  if (route === "GET /quarantine") {
    if (seen.query.get("format") === "text") return send(200, state.quarantined.map(key).join("\n"));
    return send(200, { tests: state.quarantined });
  }
  if (route === "POST /quarantine/check") {
    const tests = (JSON.parse(seen.body) as { tests: string[] }).tests;
    const found = (t: string) => state.quarantined.find((q) => q.testId === t || key(q) === t);
    return send(200, {
      quarantined: tests
        .filter(found)
        .map((t) => ({ test: t, testId: found(t)!.testId, mode: found(t)!.mode, reason: found(t)!.reason })),
      notQuarantined: tests.filter((t) => !found(t)),
    });
  }
  if (!admin) return error(403, "forbidden", "this needs an admin token");
  if (route === "POST /quarantine") {
    const input = JSON.parse(seen.body) as {
      testId: string;
      reason: string;
      owner: string;
      expiresAt?: string;
      mode?: string;
    };
    const test = state.tests.find((t) => t.id === input.testId);
    if (!test) return error(404, "not_found", `test '${input.testId}' not found`);
    const entry = {
      testId: test.id,
      suite: test.suite,
      name: test.name,
      file: test.file,
      mode: input.mode ?? "mute",
      reason: input.reason,
      owner: input.owner,
      decidedBy: "admin",
      since: "2026-11-27T00:00:00.000Z",
      expiresAt: input.expiresAt ?? null,
    };
    state.quarantined.push(entry);
    return send(201, entry);
  }
  const release = /^DELETE \/quarantine\/([^/]+)$/.exec(route);
  if (release) {
    const index = state.quarantined.findIndex((q) => q.testId === decodeURIComponent(release[1]));
    if (index === -1) return error(404, "not_found", "that test is not quarantined");
    state.quarantined.splice(index, 1);
    return send(200, { released: true });
  }
  return error(404, "not_found", `no route ${route}`);
}
