import { and, asc, count, eq, gte, inArray, lt, lte, max, min, or, sql, type SQL } from "drizzle-orm";
import { RESCORE_JOB, type Job, type JobKind, type NewJob } from "../model/job.ts";
import { inIds } from "./backend/bulk.ts";
import type { Db, Orm } from "./backend/db.ts";

/** The advisory lock a PostgreSQL claim holds for its transaction ("FGJOBS" in ASCII, so no other lock's key). */
const CLAIM_LOCK = 0x46474a4f4253;

/** How a worker loop chooses among due jobs. */
export interface ClaimOptions {
  /**
   * Only jobs of projects that no worker runs a job of now (and jobs of no project): the worker's spare
   * loop, which runs another project's small report while a huge one is in flight (issue 22).
   */
  idleProjectsOnly?: boolean;
  /**
   * Only jobs of this project (a batch's jobs after its first): a batch that took another project's small
   * report along with a huge one made it wait for the huge one (27 s for 3 tests beside 200,000).
   */
  projectId?: string;
}

/** The durable job queue: claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, a lease so dead workers' jobs return. */
export function jobStore(db: Db) {
  const t = db.schema.jobs;
  const enqueueWith = (orm: Orm, job: NewJob, now: number) =>
    orm
      .insert(t)
      .values({
        kind: job.kind,
        payload: job.payload,
        state: "queued",
        runAt: job.runAt ?? now,
        attempts: 0,
        maxAttempts: job.maxAttempts ?? 5,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: t.id });
  /**
   * The project a job's payload names. On SQLite, read off the front of the text when the payload starts
   * with it (every rescore's does: `{ projectId, testIds, … }`): json_extract parses the whole text, and a
   * rescore of a 1,000,000-test report carries ~40 MB of test ids, 1 s of blocked event loop per row read
   * by every claim and every count of pending jobs. Project ids hold no quote or escape.
   */
  const projectOfRow = (payload: SQL) =>
    db.dialect === "pg"
      ? sql`${payload}->>'projectId'`
      : sql`(case when substr(${payload}, 1, 14) = '{"projectId":"'
          then substr(${payload}, 15, instr(substr(${payload}, 15, 200), '"') - 1)
          else json_extract(${payload}, '$.projectId') end)`;
  /** Jobs whose payload names the project. */
  const ofProject = (projectId: string) => sql`${projectOfRow(sql`${t.payload}`)} = ${projectId}`;
  /**
   * Not a rescore of a project whose rescore another worker runs now (a live lease): a project's rescores run
   * one at a time across workers and replicas, so the last to save is the last to have read the history.
   */
  const notBusy = (
    workerId: string,
    now: number,
  ) => sql`not (${t.kind} = ${RESCORE_JOB} and exists (select 1 from jobs r
    where r.kind = ${RESCORE_JOB} and r.state = 'running' and r.locked_until >= ${now} and r.locked_by <> ${workerId}
      and ${projectOfRow(sql`r.payload`)} = ${projectOfRow(sql`${t.payload}`)}))`;
  /** The projects a worker runs a job of now (a live lease), by any worker or replica. */
  const busyProjects = async (orm: Orm, now: number): Promise<string[]> => {
    const rows = await orm
      .selectDistinct({ projectId: sql<string | null>`${projectOfRow(sql`${t.payload}`)}` })
      .from(t)
      .where(and(eq(t.state, "running"), gte(t.lockedUntil, now)));
    return rows.flatMap((r) => (r.projectId == null ? [] : [String(r.projectId)]));
  };
  /**
   * Due jobs (of `kind`, when given), marked running with this worker's lease: jobs of projects that no
   * worker runs a job of now first, then oldest first. So one project's huge report or rescore does not
   * hold back another project's jobs whenever a loop is free (a FIFO queue made a 3-test report wait for
   * a 1,000,000-test one's 750 s rescore); `idleProjectsOnly` takes none of a busy project's.
   */
  const claim = (
    workerId: string,
    now: number,
    leaseMs: number,
    limit: number,
    kind?: JobKind,
    options: ClaimOptions = {},
  ): Promise<Job[]> =>
    db.tx(async (orm) => {
      // Claims one at a time, so two cannot both see a project's rescores idle and take one each.
      if (db.dialect === "pg") await orm.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK}::bigint)`);
      const busy = await busyProjects(orm, now);
      // Null for a job of no project (a schedule's), which is never busy.
      const ofBusy = busy.length > 0 ? inIds(db.dialect, projectOfRow(sql`${t.payload}`), busy) : sql`1 = 0`;
      const due = and(
        or(and(eq(t.state, "queued"), lte(t.runAt, now)), and(eq(t.state, "running"), lt(t.lockedUntil, now))),
        notBusy(workerId, now),
        options.projectId !== undefined
          ? ofProject(options.projectId)
          : options.idleProjectsOnly && busy.length > 0
            ? sql`not coalesce(${ofBusy}, 1 = 0)`
            : undefined,
      );
      let next = orm
        .select({ id: t.id })
        .from(t)
        .where(kind ? and(eq(t.kind, kind), due) : due)
        .orderBy(sql`case when ${ofBusy} then 1 else 0 end`, asc(t.runAt), asc(t.id))
        .limit(limit);
      if (db.dialect === "pg") next = next.for("update", { skipLocked: true }) as typeof next;
      const ids = (await next).map((row) => row.id);
      if (ids.length === 0) return [];
      const jobs = await orm
        .update(t)
        .set({
          state: "running",
          lockedBy: workerId,
          lockedUntil: now + leaseMs,
          attempts: sql`${t.attempts} + 1`,
          updatedAt: now,
        })
        .where(inArray(t.id, ids))
        .returning({ id: t.id, kind: t.kind, payload: t.payload, attempts: t.attempts, maxAttempts: t.maxAttempts });
      // Rows are read back as written by enqueueJob, whose payloads the compiler checked against their kind.
      return (jobs as Job[]).sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    });
  return {
    /** Enqueues a job and returns its id; pass `orm` to enqueue inside the caller's transaction. */
    async enqueueJob(job: NewJob, now: number, orm?: Orm): Promise<number> {
      const [row] = await (orm ? enqueueWith(orm, job, now) : db.tx((o) => enqueueWith(o, job, now)));
      return row.id;
    },

    /** Enqueues a job unless one of its kind is already queued to run by then (a wake-up that needs no twin). */
    async enqueueJobOnce(job: NewJob, now: number, orm?: Orm): Promise<boolean> {
      const once = async (o: Orm) => {
        const [queued] = await o
          .select({ id: t.id })
          .from(t)
          .where(and(eq(t.kind, job.kind), eq(t.state, "queued"), lte(t.runAt, job.runAt ?? now)))
          .limit(1);
        if (queued) return false;
        await enqueueWith(o, job, now);
        return true;
      };
      return orm ? once(orm) : db.tx(once);
    },

    /** Claims the next due job (or one whose worker's lease ran out) for `leaseMs`: idle projects' first (ClaimOptions). */
    async claimJob(workerId: string, now: number, leaseMs: number, options?: ClaimOptions): Promise<Job | undefined> {
      return (await claim(workerId, now, leaseMs, 1, undefined, options))[0];
    },

    /** Claims up to `limit` more due jobs of one kind at once (a batch), idle projects' first, then oldest first. */
    async claimJobsOfKind<K extends JobKind>(
      workerId: string,
      now: number,
      leaseMs: number,
      kind: K,
      limit: number,
      options?: ClaimOptions,
    ): Promise<Job<K>[]> {
      return limit > 0 ? ((await claim(workerId, now, leaseMs, limit, kind, options)) as Job<K>[]) : [];
    },

    /** Extends a running job's lease while its worker is alive; false when the job is no longer this worker's. */
    async renewLease(id: number, workerId: string, until: number, now: number): Promise<boolean> {
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ lockedUntil: until, updatedAt: now })
          .where(and(eq(t.id, id), eq(t.lockedBy, workerId), eq(t.state, "running")))
          .returning({ id: t.id }),
      );
      return rows.length > 0;
    },

    /** Returns running jobs to the queue; only for an embedded database, where a running job can only be a crashed process's. */
    async requeueRunningJobs(now: number): Promise<number> {
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ state: "queued", lockedBy: null, lockedUntil: null, updatedAt: now })
          .where(eq(t.state, "running"))
          .returning({ id: t.id }),
      );
      return rows.length;
    },

    /** Marks a job done. */
    async completeJob(id: number, now: number): Promise<void> {
      await db.tx((orm) =>
        orm.update(t).set({ state: "done", lockedBy: null, lockedUntil: null, updatedAt: now }).where(eq(t.id, id)),
      );
    },

    /** Records a failure: retried at `retryAt`, or dead when it has no attempts left. */
    async failJob(job: Job, error: string, now: number, retryAt: number): Promise<void> {
      const dead = job.attempts >= job.maxAttempts;
      await db.tx((orm) =>
        orm
          .update(t)
          .set({
            state: dead ? "dead" : "queued",
            runAt: dead ? now : retryAt,
            lastError: error.slice(0, 4000),
            lockedBy: null,
            lockedUntil: null,
            updatedAt: now,
          })
          .where(eq(t.id, job.id)),
      );
    },

    /** How many jobs (of `kind`, and of one project by payload `projectId`, when given) wait: queued or running. */
    async countPendingJobs(kind?: JobKind, projectId?: string): Promise<number> {
      const pending = or(eq(t.state, "queued"), eq(t.state, "running"));
      const [r] = await db.orm
        .select({ n: count() })
        .from(t)
        .where(
          and(pending, kind ? eq(t.kind, kind) : undefined, projectId === undefined ? undefined : ofProject(projectId)),
        );
      return Number(r.n);
    },

    /**
     * Makes a project's queued jobs of `kind` that wait for a burst to end (payload `waitingSince`) due now;
     * returns how many. Not others due later: a retry's backoff, or an inline upload's rescore that waits for
     * the upload's analysis (`hurryJob`).
     */
    async hurryJobs(kind: JobKind, projectId: string, now: number): Promise<number> {
      const waiting =
        db.dialect === "pg"
          ? sql`${t.payload}->>'waitingSince' is not null`
          : sql`json_extract(${t.payload}, '$.waitingSince') is not null`;
      const rows = await db.tx((orm) =>
        orm
          .update(t)
          .set({ runAt: now, updatedAt: now })
          .where(and(eq(t.kind, kind), eq(t.state, "queued"), sql`${t.runAt} > ${now}`, ofProject(projectId), waiting))
          .returning({ id: t.id }),
      );
      return rows.length;
    },

    /**
     * Makes one queued job due now (if it still waits for a later time); `patch` replaces top-level fields of
     * its payload (a rescore queued for all of a report's tests, given what the analysis found they need).
     */
    async hurryJob(id: number, now: number, patch?: Record<string, unknown>): Promise<void> {
      const json = JSON.stringify(patch ?? {});
      const payload =
        patch === undefined
          ? {}
          : {
              payload:
                db.dialect === "pg" ? sql`${t.payload} || ${json}::jsonb` : sql`json_patch(${t.payload}, ${json})`,
            };
      const earlier = db.dialect === "pg" ? sql`least(${t.runAt}, ${now})` : sql`min(${t.runAt}, ${now})`;
      await db.tx((orm) =>
        orm
          .update(t)
          .set({ runAt: earlier, updatedAt: now, ...payload })
          .where(and(eq(t.id, id), eq(t.state, "queued"))),
      );
    },

    /** Marks several jobs done in one transaction (a batch's). */
    async completeJobs(ids: number[], now: number): Promise<void> {
      if (ids.length > 0)
        await db.tx((orm) =>
          orm
            .update(t)
            .set({ state: "done", lockedBy: null, lockedUntil: null, updatedAt: now })
            .where(inArray(t.id, ids)),
        );
    },

    /** The queue at a glance: jobs per state, when the oldest due queued job became due, and each kind's last success. */
    async queueStats(): Promise<QueueStats> {
      const states = await db.orm.select({ state: t.state, n: count() }).from(t).groupBy(t.state);
      const [oldest] = await db.orm
        .select({ at: min(t.runAt) })
        .from(t)
        .where(eq(t.state, "queued"));
      const done = await db.orm
        .select({ kind: t.kind, at: max(t.updatedAt) })
        .from(t)
        .where(eq(t.state, "done"))
        .groupBy(t.kind);
      return {
        byState: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
        oldestQueuedAt: oldest?.at == null ? null : Number(oldest.at),
        lastSuccessAt: Object.fromEntries(done.map((d) => [d.kind, Number(d.at)])),
      };
    },
  };
}

/** Jobs per state, the oldest queued job's due time, and the last success per kind (epoch ms). */
export interface QueueStats {
  byState: Record<string, number>;
  oldestQueuedAt: number | null;
  lastSuccessAt: Record<string, number>;
}

/** The jobs aggregate's functions. */
export type JobStore = ReturnType<typeof jobStore>;
