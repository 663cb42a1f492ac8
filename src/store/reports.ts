import { and, count, eq } from "drizzle-orm";
import { newId } from "../lib/ids.ts";
import { yielder } from "../lib/yield.ts";
import type { ReportMeta, ReportRecord, ReportRows, TestRow } from "../model/ingest.ts";
import type { Db, Orm } from "./backend/db.ts";
import { commitGroup } from "./backend/commit-group.ts";
import type { HistoryCache } from "./history-cache.ts";
import { insertResults, type ReportResults } from "./results.ts";
import { upsertTests } from "./tests.ts";
import { PIECE_RESULTS, testPieces } from "./report-pieces.ts";

/** A report to store: its metadata, identity and the raw bytes (gzipped). */
export interface NewReport extends ReportMeta {
  projectId: string;
  dedupeKey: string;
  contentHash: string;
  format: string | null;
  rawSize: number;
  raw: Uint8Array;
}

/** The outcome of saving: the report's id, and whether this upload created it or found it already there. */
export interface SavedReport {
  id: string;
  created: boolean;
}

/** How stale a test's stored last-seen time may get: moving it on every report costs a write per test. */
const LAST_SEEN_GRANULARITY_MS = 60 * 60_000;
/** Test ids remembered as stored; past this the oldest are forgotten (and written again when seen). */
const KNOWN_TESTS_MAX = 500_000;

/** What a transaction wrote, to note once it has committed. */
interface Written {
  tests: string[];
  results: ReportResults[];
}

/** A queued report's metadata, once its results are stored. */
export interface CompletedReport {
  projectId: string;
  run: string | null;
  job: string | null;
  commit: string | null;
  variant: string;
}

/** Reports: stored raw and idempotently, processed inline or later by the queue. */
export function reportStore(db: Db, groupCommitMs = 0, histories?: HistoryCache, pieceResults = PIECE_RESULTS) {
  const t = db.schema.reports;
  const grouped = commitGroup(db, groupCommitMs);
  // Test id → the last-seen time this process stored for it, written back only after a commit, so a
  // rolled-back transaction can never make a test look stored. Tests are never deleted except with
  // their project, whose ids cannot come back (they hash the project id).
  const known = new Map<string, number>();
  const remember = async (ids: string[], now: number) => {
    const maybeYield = yielder(); // a million ids: turns for the event loop (lib/yield.ts)
    for (let i = 0; i < ids.length; i++) {
      if (i % 4096 === 0) await maybeYield();
      const id = ids[i];
      known.delete(id); // re-inserting moves it to the end: the Map is oldest-first
      known.set(id, now);
    }
    for (const id of known.keys()) {
      if (known.size <= KNOWN_TESTS_MAX) break;
      known.delete(id);
    }
  };
  const columns = {
    id: t.id,
    projectId: t.projectId,
    format: t.format,
    state: t.state,
    counts: t.counts,
    error: t.error,
    commit: t.commitSha,
    branch: t.branch,
    pr: t.pr,
    run: t.ciRun,
    job: t.job,
    attempt: t.attempt,
    variant: t.variant,
    filename: t.filename,
    rawSize: t.rawSize,
    receivedAt: t.receivedAt,
    processedAt: t.processedAt,
  };
  const insert = async (orm: Orm, r: NewReport, state: string, now: number): Promise<SavedReport> => {
    const { commit, run, ...rest } = r;
    const row = { ...rest, commitSha: commit, ciRun: run, id: newId(now), state, receivedAt: now };
    const created = await orm.insert(t).values(row).onConflictDoNothing().returning({ id: t.id });
    if (created.length > 0) return { id: created[0].id, created: true };
    // Same content and metadata already stored (perhaps by a concurrent upload): answer with that one.
    const existing = await orm
      .select({ id: t.id })
      .from(t)
      .where(and(eq(t.projectId, r.projectId), eq(t.dedupeKey, r.dedupeKey)))
      .limit(1);
    return { id: existing[0].id, created: false };
  };
  /** Stores tests not written lately (moves their last-seen), noting them in `written` to remember once committed. */
  const storeTests = async (orm: Orm, tests: TestRow[], now: number, written: Written) => {
    const stale = tests.filter((x) => (known.get(x.id) ?? -Infinity) < now - LAST_SEEN_GRANULARITY_MS);
    await upsertTests(orm, db.schema, stale, now);
    for (const x of stale) written.tests.push(x.id);
  };
  /** Stores a report's tests and state, noting in `written` what to remember once committed; its results wait for `flush`. */
  const store = async (
    orm: Orm,
    projectId: string,
    reportId: string,
    rows: ReportRows,
    now: number,
    written: Written,
  ) => {
    await storeTests(orm, rows.tests, now, written);
    await markProcessed(orm, reportId, rows, now);
    written.results.push({ projectId, reportId, rows: rows.results });
  };
  /** Writes the results of every report stored in this transaction at once, grouped by test (see insertResults). */
  const flush = (orm: Orm, written: Written) => insertResults(orm, db.schema, written.results);
  /** After a commit (never before: a rolled-back write must leave no trace): the tests stored, and the results for the history cache. */
  const committed = async (written: Written, now: number) => {
    await remember(written.tests, now);
    for (const r of written.results) histories?.add(r.reportId, r.rows);
  };
  /** A queued report's metadata, if it is still queued. */
  const queuedMeta = async (orm: Orm, reportId: string): Promise<CompletedReport | undefined> => {
    const cur = await orm
      .select({
        state: t.state,
        projectId: t.projectId,
        run: t.ciRun,
        job: t.job,
        commit: t.commitSha,
        variant: t.variant,
      })
      .from(t)
      .where(eq(t.id, reportId))
      .limit(1);
    if (cur.length === 0 || cur[0].state !== "queued") return undefined;
    const { state: _state, ...meta } = cur[0];
    return meta;
  };
  const markProcessed = (orm: Orm, reportId: string, rows: ReportRows, now: number) =>
    orm
      .update(t)
      .set({ state: "processed", format: rows.format, counts: rows.counts, processedAt: now, error: null })
      .where(eq(t.id, reportId));
  /**
   * Stores the results of several queued reports in one transaction (the worker's batches: one commit for
   * many reports); returns the metadata of those it stored, by id. Reports no longer queued are left alone.
   * A report of more than `pieceResults` results is stored in pieces instead (completeInPieces), after the
   * others have committed: one that fails is told to `failed` (the others stay stored), or thrown without it.
   */
  const completeReports = async (
    items: { reportId: string; rows: ReportRows }[],
    now: number,
    failed?: (reportId: string, error: unknown) => void,
  ): Promise<Map<string, CompletedReport>> => {
    const wide = items.filter((i) => i.rows.results.length > pieceResults);
    const rest = items.filter((i) => i.rows.results.length <= pieceResults);
    // Its own transaction, not the group commit's: a batch is a group already, and the window would only delay it.
    const done = await db.tx(async (orm) => {
      const written: Written = { tests: [], results: [] };
      const meta = new Map<string, CompletedReport>();
      for (const { reportId, rows } of rest) {
        const completed = await queuedMeta(orm, reportId);
        if (!completed) continue;
        await store(orm, completed.projectId, reportId, rows, now, written);
        meta.set(reportId, completed);
      }
      await flush(orm, written);
      return { written, meta };
    });
    await committed(done.written, now);
    for (const { reportId, rows } of wide) {
      try {
        const completed = await completeInPieces(reportId, rows, now);
        if (completed) done.meta.set(reportId, completed);
      } catch (e) {
        if (!failed) throw e;
        failed(reportId, e); // left queued: its retry deletes the pieces stored and starts again
      }
    }
    return done.meta;
  };
  /**
   * Stores one wide queued report in pieces of about `pieceResults` results, each its own commit, then marks it
   * processed. One transaction for a million results held SQLite's only writer for ~40 s, and another
   * project's 3-test report waited all that time (bench:ingest --stall). Until the last commit the report is
   * still queued, and what reads histories skips results of reports not processed (history-reports.ts), so a
   * half-stored report is seen by no verdict. Leftovers of an attempt that died half-way are deleted first.
   */
  const completeInPieces = async (
    reportId: string,
    rows: ReportRows,
    now: number,
  ): Promise<CompletedReport | undefined> => {
    let first = true;
    for await (const piece of testPieces(rows, pieceResults)) {
      const written = await db.tx(async (orm) => {
        const meta = await queuedMeta(orm, reportId);
        if (!meta) return undefined;
        if (first) await orm.delete(db.schema.results).where(eq(db.schema.results.reportId, reportId));
        const out: Written = { tests: [], results: [] };
        await storeTests(orm, piece.tests, now, out);
        out.results.push({ projectId: meta.projectId, reportId, rows: piece.results });
        await flush(orm, out);
        return out;
      });
      if (!written) return undefined; // completed or failed meanwhile
      first = false;
      await committed(written, now);
    }
    return db.tx(async (orm) => {
      const meta = await queuedMeta(orm, reportId);
      if (meta) await markProcessed(orm, reportId, rows, now);
      return meta;
    });
  };

  return {
    /**
     * Stores parsed reports with their tests and results, all or nothing, in one transaction (perhaps shared
     * with concurrent uploads: group commit); `then` writes more in it, knowing which reports it created.
     */
    async saveProcessed(
      items: { report: NewReport; rows: ReportRows }[],
      now: number,
      then?: (orm: Orm, saved: SavedReport[]) => Promise<void>,
    ): Promise<SavedReport[]> {
      const { saved, written } = await grouped(async (orm) => {
        const written: Written = { tests: [], results: [] };
        const out: SavedReport[] = [];
        for (const { report, rows } of items) {
          const s = await insert(orm, report, "queued", now);
          if (s.created) await store(orm, report.projectId, s.id, rows, now, written);
          out.push(s);
        }
        await flush(orm, written);
        await then?.(orm, out);
        return { saved: out, written };
      });
      await committed(written, now);
      return saved;
    },

    /** Stores raw reports as `queued`, with a job per report for the worker, in one transaction. */
    async saveQueued(
      reports: NewReport[],
      now: number,
      enqueue: (orm: Orm, reportId: string) => Promise<unknown>,
    ): Promise<SavedReport[]> {
      return db.tx(async (orm) => {
        const saved: SavedReport[] = [];
        for (const r of reports) {
          const s = await insert(orm, r, "queued", now);
          if (s.created) await enqueue(orm, s.id);
          saved.push(s);
        }
        return saved;
      });
    },

    completeReports,

    /** Marks a queued report failed with the parse error (or the queue's last one). */
    async failReport(reportId: string, error: { code: string; message: string }, now: number): Promise<void> {
      await db.tx(async (orm) => {
        const failed = await orm
          .update(t)
          .set({ state: "failed", error, processedAt: now })
          .where(and(eq(t.id, reportId), eq(t.state, "queued")))
          .returning({ id: t.id });
        // The pieces of a wide report whose storing died half-way (completeInPieces): unseen, but kept for nothing.
        if (failed.length > 0) await orm.delete(db.schema.results).where(eq(db.schema.results.reportId, reportId));
      });
    },

    /** A report of a project, without its raw bytes. */
    async getReport(projectId: string, id: string): Promise<ReportRecord | undefined> {
      const rows = await db.orm
        .select(columns)
        .from(t)
        .where(and(eq(t.projectId, projectId), eq(t.id, id)))
        .limit(1);
      return rows[0] as ReportRecord | undefined;
    },

    /** A report by id alone, without its raw bytes (the worker's metrics read its outcome). */
    async getReportById(id: string): Promise<ReportRecord | undefined> {
      const rows = await db.orm.select(columns).from(t).where(eq(t.id, id)).limit(1);
      return rows[0] as ReportRecord | undefined;
    },

    /** The raw (gzipped) bytes of a report, for the worker; with `bytes: false` only what else it needs. */
    async getRaw(
      id: string,
      options: { bytes?: boolean } = {},
    ): Promise<{ raw?: Uint8Array; format: string | null; projectId: string; rawSize: number } | undefined> {
      if (options.bytes === false) {
        const rows = await db.orm
          .select({ format: t.format, projectId: t.projectId, rawSize: t.rawSize })
          .from(t)
          .where(eq(t.id, id))
          .limit(1);
        return rows[0];
      }
      const rows = await db.orm
        .select({ raw: t.raw, format: t.format, projectId: t.projectId, rawSize: t.rawSize })
        .from(t)
        .where(eq(t.id, id))
        .limit(1);
      return rows[0] && rows[0].raw
        ? (rows[0] as { raw: Uint8Array; format: string | null; projectId: string; rawSize: number })
        : undefined;
    },

    /** Whether a project has reports still queued for processing. */
    async hasQueuedReports(projectId: string): Promise<boolean> {
      const rows = await db.orm
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.projectId, projectId), eq(t.state, "queued")))
        .limit(1);
      return rows.length > 0;
    },

    /** Report counts of a project: all, and those still queued. */
    async countReports(projectId: string): Promise<{ reports: number; pendingReports: number }> {
      const [all] = await db.orm.select({ n: count() }).from(t).where(eq(t.projectId, projectId));
      const [pending] = await db.orm
        .select({ n: count() })
        .from(t)
        .where(and(eq(t.projectId, projectId), eq(t.state, "queued")));
      return { reports: Number(all.n), pendingReports: Number(pending.n) };
    },
  };
}

/** The reports aggregate's functions. */
export type ReportStore = ReturnType<typeof reportStore>;
