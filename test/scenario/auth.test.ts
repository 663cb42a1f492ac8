// Sign-in and authorization on every backend: passwords, admin-token sign-in, throttling, cookie flags,
// CSRF, sliding and absolute expiry (injected clock), revocation, roles, users, tokens listing and revocation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureAdminToken } from "../../src/accounts/tokens.ts";
import { PRUNE_SESSIONS_JOB } from "../../src/jobs/prune-sessions.ts";
import { BACKENDS } from "../helpers/backends.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const PASSWORD = "correct horse battery";

/** A signed-in browser: its cookie and CSRF token, and requests made with them. */
interface Browser {
  cookie: string;
  csrf: string;
  user: { id: string; name: string; role: string };
  call(
    method: string,
    path: string,
    body?: unknown,
    opts?: { csrf?: string | null },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ status: number; body: any; res: Response }>;
}

describe.each(BACKENDS)("auth on %s", (backend) => {
  let t: TestApp;
  let now = Date.UTC(2026, 10, 1);
  let ip = 0;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.request(path, {
      method: "POST",
      token: null,
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const cookieFrom = (res: Response) => /fg_session=([^;]*)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? "";
  const browser = (cookie: string, csrf: string, user: Browser["user"]): Browser => ({
    cookie,
    csrf,
    user,
    async call(method, path, body, opts = {}) {
      const headers: Record<string, string> = { cookie: `fg_session=${cookie}` };
      const token = opts.csrf === undefined ? csrf : opts.csrf;
      if (token !== null) headers["x-csrf-token"] = token;
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await t.request(path, {
        method,
        token: null,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.clone().text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
    },
  });
  /** Signs in from a fresh address (so throttling of one test does not reach another). */
  const signIn = async (body: unknown, headers: Record<string, string> = {}): Promise<Browser> => {
    const res = await post("/api/v1/session", body, { "x-forwarded-for": `10.0.0.${++ip}`, ...headers });
    const json = await res.json();
    expect(res.status, JSON.stringify(json)).toBe(200);
    return browser(cookieFrom(res), json.csrfToken, json.user);
  };
  const createUser = async (name: string, role: string) => {
    const res = await t.json("POST", "/api/v1/users", { name, password: PASSWORD, role });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; name: string; role: string };
  };

  beforeAll(async () => {
    t = await startTestApp(
      backend,
      { sessionTtlMs: 2 * HOUR, sessionMaxAgeMs: 10 * HOUR, loginAttempts: 3, trustProxy: true },
      { clock: () => now },
    );
    expect((await t.json("POST", "/api/v1/projects", { slug: "web" })).status).toBe(201);
    for (const [name, role] of [
      ["ada", "admin"],
      ["mia", "member"],
      ["vic", "viewer"],
    ])
      await createUser(name, role);
  });
  afterAll(() => t?.close());

  it("signs in with a name and password: HttpOnly SameSite=Lax cookie, Secure only over https, and a CSRF token", async () => {
    const res = await post(
      "/api/v1/session",
      { username: "vic", password: PASSWORD },
      { "x-forwarded-for": "10.1.0.1" },
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user).toMatchObject({ name: "vic", role: "viewer" });
    expect(body.csrfToken).toMatch(/^[\w-]+\.[\w-]+$/);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^fg_session=fgs_[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const https = await post(
      "/api/v1/session",
      { username: "vic", password: PASSWORD },
      { "x-forwarded-for": "10.1.0.1", "x-forwarded-proto": "https" },
    );
    expect(https.headers.get("set-cookie")).toMatch(/; Secure/);

    const b = browser(cookieFrom(res), body.csrfToken, body.user);
    const me = await b.call("GET", "/api/v1/session");
    expect(me.status).toBe(200);
    expect(me.body.user).toEqual(body.user);
    expect(me.body.csrfToken).not.toBe(body.csrfToken);
    expect((await b.call("GET", "/api/v1/projects")).body.projects.map((p: { slug: string }) => p.slug)).toEqual([
      "web",
    ]);
    expect(
      (await t.json("GET", "/api/v1/users")).body.users.find((u: { name: string }) => u.name === "vic").lastLoginAt,
    ).toBe(new Date(now).toISOString());
  });

  it("refuses a wrong password and an unknown name alike, and upload tokens cannot sign in", async () => {
    const wrong = await post(
      "/api/v1/session",
      { username: "vic", password: "not the password" },
      { "x-forwarded-for": "10.2.0.1" },
    );
    const unknown = await post(
      "/api/v1/session",
      { username: "nobody", password: PASSWORD },
      { "x-forwarded-for": "10.2.0.1" },
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const upload = (await t.json("POST", "/api/v1/projects/web/tokens", { scope: "upload" })).body.token;
    expect((await post("/api/v1/session", { token: upload }, { "x-forwarded-for": "10.2.0.1" })).status).toBe(401);
    expect((await post("/api/v1/session", { username: "vic" }, { "x-forwarded-for": "10.2.0.1" })).status).toBe(400);
  });

  it("throttles sign-in attempts per name and address: 429 with Retry-After, even for the right password; reset on success", async () => {
    const from = { "x-forwarded-for": "10.3.0.1" };
    for (let i = 0; i < 3; i++)
      expect((await post("/api/v1/session", { username: "mia", password: "wrong password!" }, from)).status).toBe(401);
    const refused = await post("/api/v1/session", { username: "mia", password: PASSWORD }, from);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe("too_many_attempts");
    // Another address, or another name from this address, is not held back by mia's failures here.
    expect(
      (await post("/api/v1/session", { username: "mia", password: PASSWORD }, { "x-forwarded-for": "10.3.0.2" }))
        .status,
    ).toBe(200);
    expect((await post("/api/v1/session", { username: "vic", password: PASSWORD }, from)).status).toBe(200);
    now += 16 * MIN;
    expect((await post("/api/v1/session", { username: "mia", password: PASSWORD }, from)).status).toBe(200);
    // Success reset the count: three more failures are allowed before the next 429.
    for (let i = 0; i < 2; i++)
      expect((await post("/api/v1/session", { username: "mia", password: "wrong password!" }, from)).status).toBe(401);
    expect((await post("/api/v1/session", { username: "mia", password: PASSWORD }, from)).status).toBe(200);
    // Per address, across names: five times the per-name limit.
    const spray = { "x-forwarded-for": "10.3.0.3" };
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++)
      statuses.push(
        (await post("/api/v1/session", { username: `guess${i}`, password: "wrong password!" }, spray)).status,
      );
    expect(statuses.slice(0, 15).every((s) => s === 401)).toBe(true);
    expect(statuses[15]).toBe(429);
  });

  it("needs X-CSRF-Token on unsafe methods with the cookie; GET and bearer tokens need none", async () => {
    const ada = await signIn({ username: "ada", password: PASSWORD });
    const missing = await ada.call("POST", "/api/v1/projects", { slug: "csrf-a" }, { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe("csrf_failed");
    const forged = await ada.call(
      "POST",
      "/api/v1/projects",
      { slug: "csrf-a" },
      { csrf: "AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
    );
    expect(forged.status).toBe(403);
    // A CSRF token of another session does not work with this cookie.
    const other = await signIn({ username: "ada", password: PASSWORD });
    expect((await ada.call("POST", "/api/v1/projects", { slug: "csrf-a" }, { csrf: other.csrf })).status).toBe(403);
    expect((await ada.call("GET", "/api/v1/projects", undefined, { csrf: null })).status).toBe(200);
    expect((await ada.call("POST", "/api/v1/projects", { slug: "csrf-a" })).status).toBe(201);
    // A fresh token from GET /session works too.
    const fresh = (await ada.call("GET", "/api/v1/session")).body.csrfToken;
    expect((await ada.call("POST", "/api/v1/projects", { slug: "csrf-b" }, { csrf: fresh })).status).toBe(201);
    expect((await t.json("POST", "/api/v1/projects", { slug: "csrf-c" })).status).toBe(201);
    const events = await t.app.store.events.listEvents((await t.app.store.projects.getProject("csrf-a"))!.id);
    expect(events.find((e) => e.kind === "project.created")?.actor).toBe("user:ada");
  });

  it("ends a session after sessionTtl unused (sliding) and sessionMaxAge after sign-in (absolute)", async () => {
    const idle = await signIn({ username: "vic", password: PASSWORD });
    const busy = await signIn({ username: "vic", password: PASSWORD });
    now += 90 * MIN;
    expect((await busy.call("GET", "/api/v1/session")).status).toBe(200);
    now += 90 * MIN; // idle: 3 h unused > 2 h; busy: used 90 min ago
    const expired = await idle.call("GET", "/api/v1/session");
    expect(expired.status).toBe(401);
    expect(expired.res.headers.get("set-cookie")).toMatch(/fg_session=;.*Max-Age=0/);
    expect((await busy.call("GET", "/api/v1/session")).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      now += 90 * MIN; // used every 90 minutes, but 10 h after sign-in it ends anyway
      const r = await busy.call("GET", "/api/v1/session");
      expect(r.status).toBe(i < 4 ? 200 : 401);
    }
  });

  it("deletes sessions a day after they ended (daily job); live ones stay", async () => {
    const live = await signIn({ username: "mia", password: PASSWORD });
    const ended = await signIn({ username: "mia", password: PASSWORD });
    expect((await ended.call("DELETE", "/api/v1/session")).status).toBe(204);
    const rows = async () =>
      (await t.app.store.db.orm.select({ id: t.app.store.db.schema.sessions.id }).from(t.app.store.db.schema.sessions))
        .length;
    const before = await rows();
    now += 27 * HOUR; // every session before now ended (2 h idle at most) more than a day ago
    expect((await live.call("GET", "/api/v1/session")).status).toBe(401);
    const fresh = await signIn({ username: "mia", password: PASSWORD });
    await t.app.store.jobs.enqueueJob({ kind: PRUNE_SESSIONS_JOB, payload: {} }, now);
    expect(await t.app.runJobsOnce()).toBe(1);
    expect(before).toBeGreaterThan(2);
    expect(await rows()).toBe(1);
    expect((await fresh.call("GET", "/api/v1/session")).status).toBe(200);
  });

  it("revokes: signing out, an admin revoking a session, others only their own", async () => {
    const vic = await signIn({ username: "vic", password: PASSWORD });
    const vic2 = await signIn({ username: "vic", password: PASSWORD });
    const mia = await signIn({ username: "mia", password: PASSWORD });
    const ada = await signIn({ username: "ada", password: PASSWORD });
    const own = (await vic.call("GET", "/api/v1/sessions")).body.sessions;
    expect(own.length).toBeGreaterThanOrEqual(2);
    expect(own.every((s: { user: string }) => s.user === "vic")).toBe(true);
    expect(own.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const miaSession = (await mia.call("GET", "/api/v1/sessions")).body.sessions.find(
      (s: { current: boolean }) => s.current,
    );
    expect((await ada.call("GET", "/api/v1/sessions")).body.sessions.map((s: { id: string }) => s.id)).toContain(
      miaSession.id,
    );
    expect((await vic.call("DELETE", `/api/v1/sessions/${miaSession.id}`)).status).toBe(404);
    expect((await mia.call("GET", "/api/v1/session")).status).toBe(200);
    expect((await ada.call("DELETE", `/api/v1/sessions/${miaSession.id}`)).status).toBe(204);
    expect((await mia.call("GET", "/api/v1/session")).status).toBe(401);

    const vic2Id = own.find((s: { current: boolean }) => !s.current)?.id;
    expect((await vic.call("DELETE", `/api/v1/sessions/${vic2Id}`)).status).toBe(204);
    expect((await vic2.call("GET", "/api/v1/session")).status).toBe(401);
    expect((await vic.call("DELETE", "/api/v1/session", undefined, { csrf: null })).status).toBe(403);
    const out = await vic.call("DELETE", "/api/v1/session");
    expect(out.status).toBe(204);
    expect(out.res.headers.get("set-cookie")).toMatch(/fg_session=;/);
    expect((await vic.call("GET", "/api/v1/session")).status).toBe(401);
  });

  it("enforces roles: viewers read, members quarantine and release, admins change policy, tokens and users", async () => {
    const vic = await signIn({ username: "vic", password: PASSWORD });
    const mia = await signIn({ username: "mia", password: PASSWORD });
    const ada = await signIn({ username: "ada", password: PASSWORD });
    const report = '<testsuite name="app"><testcase classname="app.Suite" name="works" time="0.01"/></testsuite>';
    expect(
      (await t.request("/api/v1/projects/web/reports?commit=c1&branch=main", { method: "POST", body: report })).status,
    ).toBe(201);
    const testId = (await vic.call("GET", "/api/v1/projects/web/tests")).body.tests[0].id;
    const quarantine = { testId, reason: "flaky on CI" };

    expect((await vic.call("POST", "/api/v1/projects/web/quarantine", quarantine)).status).toBe(403);
    expect((await vic.call("PUT", "/api/v1/projects/web/policy", {})).status).toBe(403);
    expect((await vic.call("GET", "/api/v1/users")).status).toBe(403);
    expect((await vic.call("POST", "/api/v1/projects/web/reports", undefined)).status).toBe(403);

    const added = await mia.call("POST", "/api/v1/projects/web/quarantine", quarantine);
    expect(added.status).toBe(201);
    expect(added.body.decidedBy).toBe("user:mia");
    expect((await mia.call("DELETE", `/api/v1/projects/web/quarantine/${testId}`)).status).toBe(200);
    expect((await mia.call("PUT", "/api/v1/projects/web/policy", {})).status).toBe(403);
    expect((await mia.call("GET", "/api/v1/tokens")).status).toBe(403);
    expect((await mia.call("POST", "/api/v1/projects/web/tokens", {})).status).toBe(403);

    expect((await ada.call("PUT", "/api/v1/projects/web/policy", { threshold: 0.5 })).status).toBe(200);
    expect((await ada.call("GET", "/api/v1/users")).status).toBe(200);

    // A role change applies to open sessions at once.
    const vicId = (await t.json("GET", "/api/v1/users")).body.users.find((u: { name: string }) => u.name === "vic").id;
    expect((await ada.call("PATCH", `/api/v1/users/${vicId}`, { role: "member" })).body.role).toBe("member");
    expect((await vic.call("POST", "/api/v1/projects/web/quarantine", quarantine)).status).toBe(201);
    expect((await ada.call("PATCH", `/api/v1/users/${vicId}`, { role: "viewer" })).status).toBe(200);
    expect((await vic.call("GET", "/api/v1/session")).body.user.role).toBe("viewer");
  });

  it("manages users: weak passwords and taken names refused, a new password or deletion ends their sessions", async () => {
    expect((await t.json("POST", "/api/v1/users", { name: "short", password: "2short", role: "viewer" })).status).toBe(
      400,
    );
    expect((await t.json("POST", "/api/v1/users", { name: "vic", password: PASSWORD, role: "viewer" })).status).toBe(
      409,
    );
    expect((await t.json("POST", "/api/v1/users", { name: "x", password: PASSWORD, role: "owner" })).status).toBe(400);
    const zoe = await createUser("zoe", "member");
    expect(JSON.stringify((await t.json("GET", "/api/v1/users")).body)).not.toMatch(/scrypt|password/i);

    const s1 = await signIn({ username: "zoe", password: PASSWORD });
    expect((await t.json("PATCH", `/api/v1/users/${zoe.id}`, { password: "another long password" })).status).toBe(200);
    expect((await s1.call("GET", "/api/v1/session")).status).toBe(401);
    const s2 = await signIn({ username: "zoe", password: "another long password" });
    expect((await t.json("PATCH", `/api/v1/users/${zoe.id}`, { disabled: true })).body.disabled).toBe(true);
    expect((await s2.call("GET", "/api/v1/session")).status).toBe(401);
    expect(
      (
        await post(
          "/api/v1/session",
          { username: "zoe", password: "another long password" },
          { "x-forwarded-for": "10.4.0.1" },
        )
      ).status,
    ).toBe(401);
    expect((await t.json("PATCH", `/api/v1/users/${zoe.id}`, { disabled: false })).status).toBe(200);
    const s3 = await signIn({ username: "zoe", password: "another long password" });

    expect((await t.request(`/api/v1/users/${zoe.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await s3.call("GET", "/api/v1/session")).status).toBe(401);
    expect((await t.request(`/api/v1/users/${zoe.id}`, { method: "DELETE" })).status).toBe(404);
    expect(
      (
        await post(
          "/api/v1/session",
          { username: "zoe", password: "another long password" },
          { "x-forwarded-for": "10.4.0.2" },
        )
      ).status,
    ).toBe(401);
  });

  it("lists tokens with prefix and last use (never the hash); a revoked token gets 401 and its sessions end", async () => {
    const issued = (await t.json("POST", "/api/v1/projects/web/tokens", { scope: "upload", name: "ci" })).body;
    expect((await t.request("/api/v1/projects/web", { token: issued.token })).status).toBe(200);
    const listed = await t.json("GET", "/api/v1/tokens");
    expect(listed.status).toBe(200);
    const mine = listed.body.tokens.find((x: { id: string }) => x.id === issued.id);
    expect(mine).toEqual({
      id: issued.id,
      scope: "upload",
      prefix: issued.token.slice(0, 8),
      project: "web",
      name: "ci",
      createdAt: expect.any(String),
      lastUsedAt: new Date(now).toISOString(),
    });
    const hashes = (
      await t.app.store.db.orm.select({ hash: t.app.store.db.schema.tokens.hash }).from(t.app.store.db.schema.tokens)
    ).map((r) => r.hash);
    const text = JSON.stringify(listed.body);
    for (const h of hashes) expect(text).not.toContain(h);
    expect(text).not.toContain(issued.token);
    expect(
      listed.body.tokens.some((x: { scope: string; project: null }) => x.scope === "admin" && x.project === null),
    ).toBe(true);

    expect((await t.request(`/api/v1/tokens/${issued.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await t.request("/api/v1/projects/web", { token: issued.token })).status).toBe(401);
    expect((await t.request(`/api/v1/tokens/${issued.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await t.json("GET", "/api/v1/tokens")).body.tokens.some((x: { id: string }) => x.id === issued.id)).toBe(
      false,
    );

    // An admin token signs in as admin; revoking the token ends that session.
    const second = (await t.json("POST", "/api/v1/projects/web/tokens", { scope: "admin", name: "ops" })).body;
    const viaToken = await signIn({ token: second.token });
    expect(viaToken.user).toMatchObject({ role: "admin", name: "ops" });
    expect((await viaToken.call("GET", "/api/v1/users")).status).toBe(200);
    expect((await viaToken.call("POST", "/api/v1/projects", { slug: "via-token" })).status).toBe(201);
    expect((await t.request(`/api/v1/tokens/${second.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await viaToken.call("GET", "/api/v1/session")).status).toBe(401);
    // A revoked secret cannot come back as the configured admin token.
    await expect(ensureAdminToken(t.app.store, second.token, now)).rejects.toThrow(/was revoked/);
    expect((await t.json("GET", "/api/v1/session")).body).toMatchObject({ user: { role: "admin" }, csrfToken: null });
  });
});
