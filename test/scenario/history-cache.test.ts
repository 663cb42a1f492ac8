// Test histories held in memory (SQLite, PGlite: this process is the only writer) must read exactly as the
// database does after every kind of write: inline and queued reports, a report older than those held, a
// rolled-back batch, and retention. A store with no cache over the same database is the reference.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportRows, ResultRow } from "../../src/model/ingest.ts";
import { createStore, type Store } from "../../src/store/index.ts";
import type { NewReport } from "../../src/store/reports.ts";
import { insertResults } from "../../src/store/results.ts";
import { BACKENDS, freshDb, type TestDb } from "../helpers/backends.ts";

describe.each(BACKENDS)("test histories held in memory on %s", (backend) => {
  let tdb: TestDb;
  let store: Store; // the app's store: holds histories where it owns the writes
  let reference: Store; // no cache: always reads the database
  let projectId = "";
  const ids = ["a", "b", "c"].map((n) => `hc-${n}`);
  let n = 0;

  const result = (
    testId: string,
    attempt: number,
    status: ResultRow["status"],
    final: boolean,
    fingerprint: string | null = null,
  ): ResultRow => ({
    testId,
    attempt,
    status,
    final,
    durationMs: 1,
    message: null,
    stack: null,
    fingerprint,
    output: null,
  });
  const report = (results: ResultRow[]): { report: NewReport; rows: ReportRows } => {
    n++;
    return {
      report: {
        projectId,
        commit: `c${n}`,
        branch: "main",
        pr: null,
        run: `r${n}`,
        job: "unit",
        attempt: 1,
        variant: "",
        filename: null,
        dedupeKey: `hc-${n}`,
        contentHash: `h${n}`,
        format: "junit",
        rawSize: 0,
        raw: new Uint8Array(),
      },
      rows: {
        format: "junit",
        counts: {},
        results,
        tests: ids.map((id) => ({ id, projectId, suite: "s", name: id, file: "" })),
      },
    };
  };
  const noJob = async () => undefined;
  const passing = () => report(ids.map((id) => result(id, 1, "passed", true)));
  /** What `through` reads of the tests' histories, checked equal to what the database holds. */
  const same = async (limit: number, through: Store = store) => {
    const [held, read] = await Promise.all([
      through.history.observations(ids, limit),
      reference.history.observations(ids, limit),
    ]);
    expect(held).toEqual(read);
    return read;
  };

  beforeAll(async () => {
    tdb = await freshDb(backend);
    store = createStore(tdb.db);
    reference = createStore(tdb.db, { historyCacheRows: 0 });
    projectId = (await store.projects.createProject({ slug: "hc", name: "HC", defaultBranch: "main" }, 1)).id;
    // Test ids are the project's own (they hash it in the app); these are plain, so prefixed per project.
    for (let i = 0; i < 4; i++) await store.reports.saveProcessed([passing()], 1000 + i);
  });
  afterAll(() => tdb?.cleanup());

  it("reads a held test from memory, with every report stored since added in order", async () => {
    expect((await same(3)).get(ids[0])).toHaveLength(3); // now held, 3 newest
    // Inline: a retried test (fail, fail, pass) whose fingerprints differ, and one that failed.
    await store.reports.saveProcessed(
      [
        report([
          result(ids[0], 1, "failed", false, "fp-b"),
          result(ids[0], 2, "error", false, "fp-a"),
          result(ids[0], 3, "passed", true),
          result(ids[1], 1, "failed", true, "fp-c"),
          result(ids[2], 1, "skipped", true),
        ]),
      ],
      2000,
    );
    const afterInline = await same(3);
    expect(afterInline.get(ids[0])![2]).toMatchObject({
      outcome: "passed",
      retriedPass: true,
      attempts: 3,
      fingerprint: "fp-a",
      commit: `c${n}`,
    });
    expect(afterInline.get(ids[1])![2]).toMatchObject({
      outcome: "failed",
      retriedPass: false,
      attempts: 1,
      fingerprint: "fp-c",
    });
    expect(afterInline.get(ids[2])![2]).toMatchObject({ outcome: "skipped" });
    // Queued, stored in a batch of two.
    const queued = [passing(), passing()];
    const saved = [
      ...(await store.reports.saveQueued([queued[0].report], 3000, noJob)),
      ...(await store.reports.saveQueued([queued[1].report], 3001, noJob)),
    ];
    await store.reports.completeReports(
      saved.map((s, i) => ({ reportId: s.id, rows: queued[i].rows })),
      3002,
    );
    expect((await same(3)).get(ids[0])!.map((o) => o.commit)).toEqual([`c${n - 2}`, `c${n - 1}`, `c${n}`]);
    // Received before everything held (its id sorts first): not among the newest three, but counted with a longer limit.
    await store.reports.saveProcessed([passing()], 500);
    expect((await same(3)).get(ids[0])!.map((o) => o.receivedAt)).toEqual([2000, 3000, 3001]);
    expect((await same(50)).get(ids[0])).toHaveLength(8);
  });

  it("adds nothing from a batch that rolled back", async () => {
    await same(5);
    const ok = passing();
    const bad = report([result(ids[0], 1, "passed", true), result("hc-unknown", 1, "failed", true)]); // a test never stored: refused
    const saved = [
      ...(await store.reports.saveQueued([ok.report], 4000, noJob)),
      ...(await store.reports.saveQueued([bad.report], 4001, noJob)),
    ];
    await expect(
      store.reports.completeReports(
        [
          { reportId: saved[0].id, rows: ok.rows },
          { reportId: saved[1].id, rows: bad.rows },
        ],
        4001,
      ),
    ).rejects.toThrow();
    await same(5);
    await store.reports.completeReports([{ reportId: saved[0].id, rows: ok.rows }], 4002);
    expect((await same(5)).get(ids[0])![4].commit).toBe(`c${n - 1}`);
  });

  it("forgets what retention deleted", async () => {
    await same(50);
    const pruned = await store.retention.pruneRawResults(1500);
    expect(pruned.reports).toBe(5); // the four seeded and the one received at 500
    expect((await same(50)).get(ids[0])!.every((o) => o.receivedAt >= 1500)).toBe(true);
  });

  it("is held only where this process writes every result (not on PostgreSQL)", async () => {
    await same(5);
    // Behind the store's back: the newest result of a test, gone from the database.
    await tdb.db.rows(
      sql`delete from results where test_id = ${ids[1]} and report_id = (select max(report_id) from results where test_id = ${ids[1]}) returning test_id`,
    );
    const [held, read] = await Promise.all([
      store.history.observations(ids, 5),
      reference.history.observations(ids, 5),
    ]);
    if (backend === "postgres") expect(held).toEqual(read);
    else expect(held.get(ids[1])!.at(-1)!.reportId).not.toBe(read.get(ids[1])!.at(-1)!.reportId);
  });

  it("stores a wide queued report in pieces, seen by no history until its last piece commits", async () => {
    // Last: writes through another store leave `store`'s cache behind. Reports past 2 results go in pieces of
    // about 2 (a commit each); this store's cache sees its own writes.
    const pieced = createStore(tdb.db, { pieceResults: 2 });
    const before = await same(50, pieced);
    const wide = report([
      result(ids[1], 1, "passed", true),
      result(ids[0], 1, "failed", false, "fp-w"),
      result(ids[2], 1, "failed", true, "fp-x"),
      result(ids[0], 2, "failed", false, "fp-w"),
      result(ids[0], 3, "passed", true),
    ]);
    const [saved] = await pieced.reports.saveQueued([wide.report], 5000, noJob);
    // An earlier attempt died half-way: two of its results are stored, its report still queued.
    await tdb.db.tx((orm) =>
      insertResults(orm, tdb.db.schema, [{ projectId, reportId: saved.id, rows: wide.rows.results.slice(0, 2) }]),
    );
    expect(await same(50, pieced)).toEqual(before);
    expect((await pieced.runs.historyCells(ids[0], 50)).map((c) => c.reportId)).not.toContain(saved.id);
    expect(await pieced.history.runFailures(projectId, wide.report.run!)).toEqual([]);
    await pieced.reports.completeReports([{ reportId: saved.id, rows: wide.rows }], 5001);
    const [{ n: stored }] = await tdb.db.rows<{ n: number | string }>(
      sql`select count(*) as n from results where report_id = ${saved.id}`,
    );
    expect(Number(stored)).toBe(5); // the leftovers replaced, not added to
    const after = await same(50, pieced);
    expect(after.get(ids[0])!.at(-1)).toMatchObject({
      reportId: saved.id,
      outcome: "passed",
      retriedPass: true,
      attempts: 3,
    });
    expect(after.get(ids[2])!.at(-1)).toMatchObject({ reportId: saved.id, outcome: "failed", fingerprint: "fp-x" });
    expect(after.get(ids[1])).toHaveLength(before.get(ids[1])!.length + 1);
    expect((await pieced.reports.getReportById(saved.id))?.state).toBe("processed");
  });

  it("keeps a batch's other reports stored when a wide one fails half-way, and stores that one whole on its retry", async () => {
    const pieced = createStore(tdb.db, { pieceResults: 2 });
    const before = await same(50, pieced);
    const small = passing();
    const rows = [...ids.map((id) => result(id, 1, "passed", true)), result("hc-unknown", 1, "failed", true)];
    const wide = report(rows); // its last piece names a test never stored: refused by the database
    const saved = [
      ...(await pieced.reports.saveQueued([small.report], 6000, noJob)),
      ...(await pieced.reports.saveQueued([wide.report], 6001, noJob)),
    ];
    const failures: string[] = [];
    const done = await pieced.reports.completeReports(
      [
        { reportId: saved[0].id, rows: small.rows },
        { reportId: saved[1].id, rows: wide.rows },
      ],
      6002,
      (reportId) => failures.push(reportId),
    );
    expect([...done.keys()]).toEqual([saved[0].id]);
    expect(failures).toEqual([saved[1].id]);
    expect((await pieced.reports.getReportById(saved[1].id))?.state).toBe("queued");
    const after = await same(50, pieced); // the small report seen, not the wide one's stored pieces
    expect(after.get(ids[0])!.map((o) => o.reportId)).toEqual([
      ...before.get(ids[0])!.map((o) => o.reportId),
      saved[0].id,
    ]);
    const fixed = { ...wide.rows, results: rows.slice(0, ids.length) };
    await pieced.reports.completeReports([{ reportId: saved[1].id, rows: fixed }], 6003);
    const [{ n }] = await tdb.db.rows<{ n: number | string }>(
      sql`select count(*) as n from results where report_id = ${saved[1].id}`,
    );
    expect(Number(n)).toBe(ids.length);
    expect((await same(50, pieced)).get(ids[2])!.at(-1)!.reportId).toBe(saved[1].id);
  });
});
