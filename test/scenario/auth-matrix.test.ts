// The auth matrix: every API route Hono has registered × every kind of caller → the status class its
// access rule in src/http/routes.ts promises. A route registered without a row in the table fails here.
// Also: no token or session hash, and no secret, ever shows in a response body or in the logs.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfToken, mintSession } from "../../src/auth/sessions.ts";
import { mintToken } from "../../src/auth/tokens.ts";
import { ROUTES } from "../../src/http/routes.ts";
import type { Access } from "../../src/auth/access.ts";
import type { Role } from "../../src/model/project.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

type Caller =
  "none" | "badToken" | "uploadOwn" | "uploadOther" | "adminToken" | "cookieNoCsrf" | "viewer" | "member" | "admin";
const CALLERS: Caller[] = [
  "none",
  "badToken",
  "uploadOther",
  "uploadOwn",
  "cookieNoCsrf",
  "viewer",
  "member",
  "adminToken",
  "admin",
];
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Routes whose rule must not loosen by accident. */
const SENSITIVE: Record<string, Access> = {
  "POST /api/v1/projects": "admin",
  "POST /api/v1/projects/:project/tokens": "admin",
  "GET /api/v1/tokens": "admin",
  "DELETE /api/v1/tokens/:id": "admin",
  "GET /api/v1/users": "admin",
  "POST /api/v1/users": "admin",
  "PATCH /api/v1/users/:id": "admin",
  "DELETE /api/v1/users/:id": "admin",
  "PUT /api/v1/projects/:project/policy": "admin",
  "POST /api/v1/projects/:project/quarantine": "member",
  "DELETE /api/v1/projects/:project/quarantine/:testId": "member",
  "POST /api/v1/projects/:project/reports": "upload",
  "POST /api/v1/session": "public",
};

/** What a caller should get from a route with this rule: refused with 401 or 403, or let through ("ok"). */
function expected(access: Access, caller: Caller, method: string, path: string): 401 | 403 | "ok" {
  if (access === "public") return "ok";
  if (caller === "none" || caller === "badToken") return 401;
  if (caller === "cookieNoCsrf") return SAFE.has(method) ? "ok" : 403;
  const role = (
    {
      uploadOwn: "upload",
      uploadOther: "upload",
      adminToken: "admin",
      viewer: "viewer",
      member: "member",
      admin: "admin",
    } as const
  )[caller];
  const allowed: Record<Access, string[]> = {
    public: [],
    "signed-in": ["upload", "viewer", "member", "admin"],
    viewer: ["viewer", "member", "admin"],
    read: ["upload", "viewer", "member", "admin"],
    upload: ["upload", "admin"],
    member: ["member", "admin"],
    admin: ["admin"],
  };
  if (!allowed[access].includes(role)) return 403;
  if (caller === "uploadOther" && path.includes(":project")) return 403;
  return "ok";
}

describe.each(BACKENDS)("auth matrix on %s", (backend) => {
  let t: TestApp;
  const logs: string[] = [];
  const bodies: string[] = [];
  const secrets: string[] = [];
  let uploadOwn: string;
  let uploadOther: string;
  const users: Record<Role, string> = { admin: "", member: "", viewer: "" };

  beforeAll(async () => {
    const logTo = new PassThrough();
    logTo.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
    t = await startTestApp(backend, {}, { logTo });
    for (const slug of ["own", "other"]) expect((await t.json("POST", "/api/v1/projects", { slug })).status).toBe(201);
    uploadOwn = (await t.json("POST", "/api/v1/projects/own/tokens", { scope: "upload" })).body.token;
    uploadOther = (await t.json("POST", "/api/v1/projects/other/tokens", { scope: "upload" })).body.token;
    secrets.push(t.admin, uploadOwn, uploadOther);
    for (const role of ["admin", "member", "viewer"] as const) {
      // The matrix never signs in with a password, so any hash will do (and scrypt is slow).
      users[role] = (await t.app.store.users.createUser(
        { name: `m-${role}`, role, passwordHash: "scrypt$unused" },
        Date.now(),
      ))!.id;
    }
  });
  afterAll(() => t?.close());

  /** A fresh session for a role (DELETE /session ends the one it is sent with). */
  const session = async (role: Role) => {
    const minted = mintSession();
    secrets.push(minted.secret);
    await t.app.store.sessions.createSession(
      {
        hash: minted.hash,
        userId: users[role],
        tokenId: null,
        role,
        expiresAt: Date.now() + 3_600_000,
        userAgent: null,
        ip: null,
      },
      Date.now(),
    );
    return { cookie: `fg_session=${minted.secret}`, csrf: csrfToken(minted.secret) };
  };

  /** The headers of a request as this caller. */
  const headersFor = async (caller: Caller): Promise<Record<string, string>> => {
    switch (caller) {
      case "none":
        return {};
      case "badToken":
        return { authorization: `Bearer ${mintToken("admin").secret}` };
      case "uploadOwn":
        return { authorization: `Bearer ${uploadOwn}` };
      case "uploadOther":
        return { authorization: `Bearer ${uploadOther}` };
      case "adminToken":
        return { authorization: `Bearer ${t.admin}` };
      case "cookieNoCsrf":
        return { cookie: (await session("admin")).cookie };
      default: {
        const s = await session(caller);
        return { cookie: s.cookie, "x-csrf-token": s.csrf };
      }
    }
  };

  /** Every API route Hono has registered (method and path), apart from the /api/* 404 fallback. */
  const registered = () => {
    const seen = new Map<string, { method: string; path: string }>();
    for (const r of t.app.http.routes) {
      if (r.path.startsWith("/api/") && r.method !== "ALL")
        seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
    }
    return [...seen.values()];
  };
  const rules = new Map(ROUTES.map((r) => [`${r.method} ${r.path}`, r.access]));

  it("has an access rule in the route table for every registered API route", () => {
    const withoutRule = registered()
      .map((r) => `${r.method} ${r.path}`)
      .filter((k) => !rules.has(k));
    expect(withoutRule, "routes without an access rule in src/http/routes.ts").toEqual([]);
  });

  it("keeps the rules of the sensitive routes", () => {
    const pinned = Object.fromEntries(Object.keys(SENSITIVE).map((k) => [k, rules.get(k)]));
    expect(pinned).toEqual(SENSITIVE);
  });

  it("answers every caller of every route as its rule says (401, 403, or let through)", async () => {
    const wrong: string[] = [];
    for (const { method, path } of registered()) {
      const access = rules.get(`${method} ${path}`);
      if (!access) continue; // reported by the first test
      const url = path.replace(/:project\b/, "own").replace(/:(\w+)/g, "nonexistent-$1");
      const statuses: number[] = [];
      for (const caller of CALLERS) {
        const headers = await headersFor(caller);
        const unsafe = !SAFE.has(method);
        const res = await t.app.http.request(url, {
          method,
          headers: unsafe ? { ...headers, "content-type": "application/json" } : headers,
          body: unsafe ? "{}" : undefined,
        });
        statuses.push(res.status);
        if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) await res.body?.cancel();
        else bodies.push(await res.text());
        const want = expected(access, caller, method, path);
        const got = res.status === 401 || res.status === 403 ? res.status : "ok";
        if (got !== want) wrong.push(`${method} ${path} (${access}) as ${caller}: expected ${want}, got ${res.status}`);
      }
      // Credentials make no difference to a public route.
      if (access === "public" && new Set(statuses).size !== 1)
        wrong.push(`${method} ${path} (public) answers differently by caller: ${statuses.join(",")}`);
    }
    expect(wrong).toEqual([]);
  });

  it("never shows a token or session hash, or a secret, in a response body or the logs", async () => {
    const schema = t.app.store.db.schema;
    const hashes = [
      ...(await t.app.store.db.orm.select({ h: schema.tokens.hash }).from(schema.tokens)).map((r) => r.h),
      ...(await t.app.store.db.orm.select({ h: schema.sessions.hash }).from(schema.sessions)).map((r) => r.h),
    ];
    expect(hashes.length).toBeGreaterThan(10);
    expect(bodies.length).toBeGreaterThan(100);
    const everything = [...bodies, ...logs].join("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const h of hashes) expect(everything).not.toContain(h);
    for (const s of secrets) expect(everything).not.toContain(s);
  });
});
