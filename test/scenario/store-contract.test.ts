// The store contract: the same calls give the same answers on SQLite, PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createStore, type Store } from "../../src/store/index.ts";
import { BACKENDS, freshDb, type TestDb } from "../helpers/backends.ts";

describe.each(BACKENDS)("store contract on %s", (backend) => {
  let tdb: TestDb;
  let store: Store;
  beforeAll(async () => {
    tdb = await freshDb(backend);
    store = createStore(tdb.db);
  });
  afterAll(() => tdb?.cleanup());

  it("creates, finds and lists projects; a taken slug is a 409", async () => {
    const p = await store.projects.createProject({ slug: "b-proj", name: "B", defaultBranch: "main" }, 1000);
    await store.projects.createProject({ slug: "a-proj", name: "A", defaultBranch: "trunk" }, 2000);
    expect(await store.projects.getProject("b-proj")).toEqual(p);
    expect(await store.projects.getProjectById(p.id)).toEqual(p);
    expect(await store.projects.getProject("missing")).toBeUndefined();
    expect((await store.projects.listProjects()).map((x) => x.slug)).toEqual(["a-proj", "b-proj"]);
    await expect(
      store.projects.createProject({ slug: "a-proj", name: "again", defaultBranch: "main" }, 3000),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("stores tokens by hash, finds live ones, revokes them and throttles last-use writes", async () => {
    const p = (await store.projects.getProject("a-proj"))!;
    const rec = await store.tokens.createToken(
      { scope: "upload", projectId: p.id, name: "ci", prefix: "fgu_abcd", hash: "ab".repeat(32) },
      5000,
    );
    expect(await store.tokens.findTokenByHash("ab".repeat(32))).toMatchObject({
      id: rec.id,
      scope: "upload",
      projectId: p.id,
    });
    expect(await store.tokens.hasAdminToken()).toBe(false);
    await store.tokens.touchToken(rec.id, 10_000);
    await store.tokens.touchToken(rec.id, 20_000); // within a minute: not written
    expect((await store.tokens.listTokens(p.id))[0].lastUsedAt).toBe(10_000);
    expect(await store.tokens.revokeToken(rec.id, 30_000)).toBe(true);
    expect(await store.tokens.revokeToken(rec.id, 31_000)).toBe(false);
    expect(await store.tokens.findTokenByHash("ab".repeat(32))).toBeUndefined();
  });

  it("counts failure groups: a known fingerprint adds its count and keeps its first sample; a new one starts a group", async () => {
    const p = (await store.projects.getProject("b-proj"))!;
    await store.failures.recordFailures(p.id, [{ fingerprint: "f1", message: "first", stack: "at a", count: 2 }], 100);
    await store.failures.recordFailures(
      p.id,
      [
        { fingerprint: "f1", message: "later", stack: "at b", count: 3 },
        { fingerprint: "f2", message: "new", stack: "at c", count: 1 },
      ],
      200,
    );
    const groups = await store.failures.groupsByFingerprint(p.id, ["f1", "f2"]);
    expect(groups.get("f1")).toMatchObject({
      message: "first",
      stack: "at a",
      occurrences: 5,
      firstSeenAt: 100,
      lastSeenAt: 200,
    });
    expect(groups.get("f2")).toMatchObject({
      message: "new",
      stack: "at c",
      occurrences: 1,
      firstSeenAt: 200,
      lastSeenAt: 200,
    });
    // Another project's group of the same fingerprint is its own.
    const other = (await store.projects.getProject("a-proj"))!;
    await store.failures.recordFailures(
      other.id,
      [{ fingerprint: "f1", message: "elsewhere", stack: null, count: 7 }],
      300,
    );
    expect((await store.failures.groupsByFingerprint(p.id, ["f1"])).get("f1")).toMatchObject({
      occurrences: 5,
      lastSeenAt: 200,
    });
    expect((await store.failures.groupsByFingerprint(other.id, ["f1"])).get("f1")).toMatchObject({
      message: "elsewhere",
      occurrences: 7,
    });
  });

  it("keeps the audit log newest first", async () => {
    const p = (await store.projects.getProject("b-proj"))!;
    await store.events.recordEvent({ projectId: p.id, kind: "one", actor: "test", data: { n: 1 } }, 1);
    await store.events.recordEvent({ projectId: p.id, kind: "two", actor: "test", data: { nested: { ok: true } } }, 2);
    const events = await store.events.listEvents(p.id);
    expect(events.map((e) => e.kind)).toEqual(["two", "one"]);
    expect(events[0].data).toEqual({ nested: { ok: true } });
  });

  it("runs the job queue: due order, one claim per job, lease expiry hands a dead worker's job on, retries then dead", async () => {
    // Two kinds whose payloads tell the jobs apart; the store runs nothing, so which kinds does not matter.
    await store.jobs.enqueueJob({ kind: "prune-outbox", payload: { tickAt: 2 }, runAt: 5_000, maxAttempts: 2 }, 1_000);
    await store.jobs.enqueueJob({ kind: "prune-sessions", payload: { tickAt: 1 } }, 1_000);
    expect(await store.jobs.countPendingJobs()).toBe(2);
    const first = await store.jobs.claimJob("w1", 2_000, 10_000);
    expect(first).toMatchObject({ kind: "prune-sessions", payload: { tickAt: 1 }, attempts: 1 });
    expect(await store.jobs.claimJob("w2", 2_000, 10_000)).toBeUndefined(); // the later one is not due, the first is leased
    // w1 dies: after its lease, w2 takes the job over
    const takeover = await store.jobs.claimJob("w2", 13_000, 10_000);
    expect(takeover).toMatchObject({ id: first!.id, attempts: 2 });
    await store.jobs.completeJob(takeover!.id, 14_000);
    const later = await store.jobs.claimJob("w2", 14_000, 10_000);
    expect(later).toMatchObject({ kind: "prune-outbox", payload: { tickAt: 2 } });
    await store.jobs.failJob(later!, "boom", 15_000, 60_000);
    expect(await store.jobs.claimJob("w2", 20_000, 10_000)).toBeUndefined(); // backing off
    const retry = await store.jobs.claimJob("w2", 60_000, 10_000);
    expect(retry).toMatchObject({ kind: "prune-outbox", attempts: 2 });
    await store.jobs.failJob(retry!, "boom again", 61_000, 120_000);
    expect(await store.jobs.claimJob("w2", 500_000, 10_000)).toBeUndefined(); // dead after max attempts
    expect(await store.jobs.countPendingJobs()).toBe(0);
  });

  it("claims each job exactly once under concurrent workers", async () => {
    for (let i = 0; i < 20; i++) await store.jobs.enqueueJob({ kind: "backup", payload: { tickAt: i } }, 100_000);
    const claimed: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (;;) {
          const job = await store.jobs.claimJob(`w${w}`, 100_001, 60_000);
          if (!job) return;
          claimed.push(job.kind === "backup" ? (job.payload.tickAt ?? -1) : -1);
          await store.jobs.completeJob(job.id, 100_002);
        }
      }),
    );
    expect(claimed.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
  it("stores result text as given, whatever the bulk path (COPY on PGlite): tabs, newlines, backslashes, \\N, non-ASCII", async () => {
    const p = await store.projects.createProject({ slug: "text", name: "T", defaultBranch: "main" }, 1);
    const test = { id: `${p.id}-t`, projectId: p.id, suite: "s", name: "t", file: "" };
    const message = "tab\there\\back\nnew\rreturn \\N ünïcødé ✓";
    const [saved] = await store.reports.saveProcessed(
      [
        {
          report: {
            commit: null,
            branch: null,
            pr: null,
            run: null,
            job: null,
            attempt: 1,
            variant: "",
            filename: null,
            projectId: p.id,
            dedupeKey: "text",
            contentHash: "h",
            format: "junit",
            rawSize: 0,
            raw: new Uint8Array(),
          },
          rows: {
            format: "junit",
            tests: [test],
            counts: {},
            results: [
              {
                testId: test.id,
                attempt: 1,
                status: "failed",
                final: true,
                durationMs: null,
                message,
                stack: "\\",
                fingerprint: "fp",
                output: null,
              },
            ],
          },
        },
      ],
      10,
    );
    const rows = await tdb.db.rows<{ message: string; stack: string; output: string | null; duration: number | null }>(
      sql`select message, stack, output, duration_ms as duration from results where report_id = ${saved.id}`,
    );
    expect(rows).toEqual([{ message, stack: "\\", output: null, duration: null }]);
  });

  it("keeps a queued report's raw bytes exactly (every byte value; PGlite's own bytea serializer is replaced)", async () => {
    const p = await store.projects.createProject({ slug: "raw", name: "R", defaultBranch: "main" }, 1);
    const raw = new Uint8Array(4096).map((_, i) => (i * 7 + 3) % 256);
    const report = {
      commit: null,
      branch: null,
      pr: null,
      run: null,
      job: null,
      attempt: 1,
      variant: "",
      filename: null,
      projectId: p.id,
      dedupeKey: "raw",
      contentHash: "h",
      format: "junit",
      rawSize: raw.length,
    };
    // a view into a larger buffer: only its own bytes may be stored
    const [saved] = await store.reports.saveQueued(
      [{ ...report, raw: new Uint8Array([9, ...raw, 9]).subarray(1, raw.length + 1) }],
      10,
      async () => undefined,
    );
    const stored = await store.reports.getRaw(saved.id);
    expect(stored).toMatchObject({ format: "junit", projectId: p.id });
    expect(new Uint8Array(stored!.raw!)).toEqual(raw); // a Buffer on SQLite and PostgreSQL
  });

  it("reads test histories: attempts folded per report, the newest `limit` kept oldest first, incidents marked, past 1,000 reports", async () => {
    const p = await store.projects.createProject({ slug: "history", name: "H", defaultBranch: "main" }, 1);
    const tests = ["t-flaky", "t-steady"].map((name) => ({
      id: `${p.id}-${name}`,
      projectId: p.id,
      suite: "s",
      name,
      file: "",
    }));
    const result = (testId: string, attempt: number, status: "passed" | "failed", final: boolean) => ({
      testId,
      attempt,
      status,
      final,
      durationMs: 1,
      message: null,
      stack: null,
      fingerprint: status === "failed" ? "fp-1" : null,
      output: null,
    });
    // 1,100 reports, so one test's reports span more than one lookup of report fields.
    const reports = Array.from({ length: 1100 }, (_, i) => ({
      report: {
        commit: `c${i}`,
        branch: "main",
        pr: null,
        run: `r${i}`,
        job: "unit",
        attempt: 1,
        variant: i % 2 ? "os=linux" : "os=mac",
        filename: null,
        projectId: p.id,
        dedupeKey: `history-${i}`,
        contentHash: `h${i}`,
        format: "junit",
        rawSize: 0,
        raw: new Uint8Array(),
      },
      rows: {
        format: "junit" as const,
        tests,
        counts: {},
        results:
          i === 1099
            ? [
                result(tests[0].id, 1, "failed", false),
                result(tests[0].id, 2, "passed", true),
                result(tests[1].id, 1, "failed", true),
              ]
            : [result(tests[0].id, 1, "passed", true), result(tests[1].id, 1, "passed", true)],
      },
    }));
    const saved: { id: string }[] = [];
    for (const [i, r] of reports.entries()) saved.push(...(await store.reports.saveProcessed([r], 1000 + i)));
    await store.incidents.recordIncident(
      {
        projectId: p.id,
        reportId: saved[1099].id,
        run: "r1099",
        job: "unit",
        commit: "c1099",
        cause: "fp-1",
        reason: "test",
        failing: 1,
        total: 2,
      },
      5000,
    );
    const all = await store.history.observations(
      tests.map((t) => t.id),
      2000,
    );
    expect(all.get(tests[0].id)).toHaveLength(1100);
    expect(
      all
        .get(tests[0].id)!
        .slice(0, 2)
        .map((o) => o.commit),
    ).toEqual(["c0", "c1"]);
    const newest = await store.history.observations(
      tests.map((t) => t.id),
      3,
    );
    expect(newest.get(tests[0].id)!.map((o) => o.commit)).toEqual(["c1097", "c1098", "c1099"]);
    expect(newest.get(tests[0].id)![2]).toEqual({
      reportId: saved[1099].id,
      run: "r1099",
      job: "unit",
      jobAttempt: 1,
      commit: "c1099",
      branch: "main",
      pr: null,
      variant: "os=linux",
      receivedAt: 1000 + 1099,
      outcome: "passed",
      retriedPass: true,
      attempts: 2,
      fingerprint: "fp-1",
      incident: true,
    });
    expect(newest.get(tests[1].id)![2]).toMatchObject({
      outcome: "failed",
      retriedPass: false,
      attempts: 1,
      incident: true,
    });
    expect(newest.get(tests[1].id)![1]).toMatchObject({ outcome: "passed", incident: false, variant: "os=mac" });
  });
});
