import { Cron } from "croner";
import type { Logger } from "../lib/log.ts";
import { RESCORE_JOB } from "../model/job.ts";
import type { Store } from "../store/index.ts";
import type { NewJob } from "../model/job.ts";
import { DELIVER_NOTIFICATIONS_JOB } from "../notify/emit.ts";
import { PRUNE_OUTBOX_JOB } from "./deliver-prune.ts";
import { DIGEST_JOB, digestProjects } from "./digest.ts";
import { RELEASE_QUARANTINE_JOB } from "./release-quarantine.ts";
import { BACKUP_JOB } from "./backup.ts";
import { PRUNE_RESULTS_JOB } from "./prune-results.ts";
import { PRUNE_SESSIONS_JOB } from "./prune-sessions.ts";
import { VACUUM_JOB } from "./vacuum.ts";
import { GITHUB_SYNC_ISSUES_JOB } from "./github-sync-issues.ts";

/** Running schedules. */
export interface Scheduler {
  stop(): void;
}

/** What the schedules need. */
export interface ScheduleOptions {
  store: Store;
  clock: () => number;
  log: Logger;
  /** Cron expression of the full rescore. */
  rescore: string;
  /** Cron expression of the daily digest (Slack). */
  digest?: string;
  /** Cron expression of the scheduled backup, or off. */
  backup?: string;
  /** Wakes the worker after jobs were enqueued. */
  wake: () => void;
  /** Who fires the ticks (recorded with each tick); unique per process. */
  schedulerId: string;
  /** Called after each tick this scheduler fired (metrics). */
  onFired?: (schedule: string) => void;
}

/** A schedule: its name, its cron expression, and the durable jobs each tick enqueues. One line each below. */
export interface ScheduleDefinition {
  name: string;
  cron(o: ScheduleOptions): string;
  jobs(store: Store, tickAt: number): Promise<NewJob[]>;
}

/** Every schedule. */
export const SCHEDULES: ScheduleDefinition[] = [
  // Verdicts do not move with the clock (scored at each test's newest run); what time changes is whom the
  // quarantine policy may take — a flaky test once a person's veto ends or the cap frees a slot — and whom
  // it releases. So each tick rescores a project's flaky and quarantined tests, not all of them.
  {
    name: "rescore",
    cron: (o) => o.rescore,
    jobs: async (store, tickAt) =>
      (await store.projects.listProjects()).map((p) => ({
        kind: RESCORE_JOB,
        payload: { projectId: p.id, tickAt, unsettled: true as const },
      })),
  },
  // Every 10 minutes: expiry is a promise to people, so it should not wait for the hourly rescore.
  {
    name: "release-quarantine",
    cron: () => "*/10 * * * *",
    jobs: async (_store, tickAt) => [{ kind: RELEASE_QUARANTINE_JOB, payload: { tickAt } }],
  },
  // Every minute: a safety net for notifications whose delivery job was lost (it died after its attempts).
  {
    name: "deliver-notifications",
    cron: () => "* * * * *",
    jobs: async (store, tickAt) =>
      ((await store.outbox.nextDueAt()) ?? Infinity) <= tickAt
        ? [{ kind: DELIVER_NOTIFICATIONS_JOB, payload: { tickAt } }]
        : [],
  },
  {
    name: "digest",
    cron: (o) => o.digest ?? "0 9 * * *",
    jobs: async (store, tickAt) =>
      (await digestProjects(store)).map((projectId) => ({ kind: DIGEST_JOB, payload: { projectId, tickAt } })),
  },
  {
    name: "prune-outbox",
    cron: () => "23 4 * * *",
    jobs: async (_store, tickAt) => [{ kind: PRUNE_OUTBOX_JOB, payload: { tickAt } }],
  },
  {
    name: "backup",
    cron: (o) => o.backup ?? "off",
    jobs: async (_store, tickAt) => [{ kind: BACKUP_JOB, payload: { tickAt } }],
  },
  // Daily, at a quiet hour: retention is a bound on disk, not a promise to the minute.
  {
    name: "prune-results",
    cron: () => "41 3 * * *",
    jobs: async (_store, tickAt) => [{ kind: PRUNE_RESULTS_JOB, payload: { tickAt } }],
  },
  {
    name: "prune-sessions",
    cron: () => "47 3 * * *",
    jobs: async (_store, tickAt) => [{ kind: PRUNE_SESSIONS_JOB, payload: { tickAt } }],
  },
  // Every minute, PGlite only (it has no autovacuum): a table that grew by a fifth since its last vacuum
  // gets one now, so a young database's planner has statistics within a minute of its first big upload.
  {
    name: "vacuum",
    cron: () => "* * * * *",
    jobs: async (store, tickAt) => {
      const tables = await store.maintenance.tablesToVacuum();
      return tables.length > 0 ? [{ kind: VACUUM_JOB, payload: { tickAt, tables } }] : [];
    },
  },
  // Every 15 minutes: a test released between CI runs gets its GitHub issue closed without waiting for the next run.
  {
    name: "github-issues",
    cron: () => "*/15 * * * *",
    jobs: async (_store, tickAt) => [{ kind: GITHUB_SYNC_ISSUES_JOB, payload: { tickAt } }],
  },
];

/** Ticks are kept this long: far longer than any clock skew between replicas. */
const TICK_RETENTION_MS = 24 * 3600_000;

/**
 * Fires tick `tickAt` of `def` unless another scheduler (another replica) already did: the tick is
 * claimed and its jobs enqueued in one transaction, so each tick enqueues its jobs exactly once.
 */
export async function fireTick(o: ScheduleOptions, def: ScheduleDefinition, tickAt: number): Promise<boolean> {
  const jobs = await def.jobs(o.store, tickAt);
  const now = o.clock();
  const fired = await o.store.scheduleTicks.claimTick(def.name, tickAt, o.schedulerId, now, async (orm) => {
    for (const job of jobs) await o.store.jobs.enqueueJob(job, now, orm);
  });
  if (fired) {
    await o.store.scheduleTicks.pruneTicks(def.name, tickAt - TICK_RETENTION_MS);
    o.onFired?.(def.name);
    o.wake();
  }
  return fired;
}

/** Starts the croner schedules; each tick, claimed once across replicas, enqueues durable jobs that workers run. */
export function startSchedules(o: ScheduleOptions, schedules: ScheduleDefinition[] = SCHEDULES): Scheduler {
  const crons = schedules
    .filter((def) => def.cron(o) !== "off")
    .map(
      (def) =>
        new Cron(
          def.cron(o),
          {
            protect: true,
            catch: (e) => o.log.error({ err: e, schedule: def.name }, "schedule failed"),
          },
          async (self: Cron) => {
            // The tick is the scheduled time, not the moment this process woke up, so replicas agree on it.
            const tickAt = self.previousRuns(1, new Date())[0]?.getTime();
            if (tickAt !== undefined) await fireTick(o, def, tickAt);
          },
        ),
    );
  return {
    stop: () => {
      for (const c of crons) c.stop();
    },
  };
}
