import { KeyedMutex } from "../lib/mutex.ts";
import { rawSqlite } from "./backend/bulk.ts";
import type { Db } from "./backend/db.ts";
import { HistoryCache } from "./history-cache.ts";
import { eventStore } from "./events.ts";
import { failureStore } from "./failures.ts";
import { historyStore } from "./history.ts";
import { incidentStore } from "./incidents.ts";
import { clusterStore } from "./clusters.ts";
import { testStore } from "./tests.ts";
import { verdictStore } from "./verdicts.ts";
import { jobStore } from "./jobs.ts";
import { projectStore } from "./projects.ts";
import { reportStore } from "./reports.ts";
import { progressStore } from "./progress.ts";
import { tokenStore } from "./tokens.ts";
import { quarantineStore } from "./quarantine.ts";
import { policyStore } from "./policies.ts";
import { githubStore } from "./github.ts";
import { overviewStore } from "./overview.ts";
import { runStore } from "./runs.ts";
import { integrationStore } from "./integrations.ts";
import { outboxStore } from "./outbox.ts";
import { digestStore } from "./digest.ts";
import { scheduleTickStore } from "./schedule-ticks.ts";
import { statsStore } from "./stats.ts";
import { userStore } from "./users.ts";
import { sessionStore } from "./sessions.ts";
import { maintenanceStore } from "./maintenance.ts";
import { retentionStore } from "./retention.ts";

/** The one store interface: every aggregate's functions over one open database. */
export function createStore(db: Db, options: StoreOptions = {}) {
  const cacheRows = options.historyCacheRows ?? HISTORY_CACHE_ROWS;
  const histories = ownsResults(db) && cacheRows > 0 ? new HistoryCache(cacheRows) : undefined;
  return {
    db,
    projects: projectStore(db),
    tokens: tokenStore(db),
    events: eventStore(db),
    // Group commit only where one connection serialises every transaction anyway (SQLite, PGlite).
    reports: reportStore(
      db,
      db.backend === "postgres" ? 0 : (options.groupCommitMs ?? 0),
      histories,
      options.pieceResults,
    ),
    progress: progressStore(db),
    jobs: jobStore(db),
    tests: testStore(db),
    history: historyStore(db, histories),
    verdicts: verdictStore(db),
    incidents: incidentStore(db),
    clusters: clusterStore(db),
    failures: failureStore(db),
    quarantine: quarantineStore(db),
    policies: policyStore(db),
    github: githubStore(db),
    overview: overviewStore(db),
    runs: runStore(db),
    integrations: integrationStore(db),
    outbox: outboxStore(db),
    digest: digestStore(db),
    scheduleTicks: scheduleTickStore(db),
    stats: statsStore(db),
    users: userStore(db),
    sessions: sessionStore(db),
    maintenance: maintenanceStore(db),
    retention: retentionStore(db, histories),
    // Not SQL: rescores of one project in this process run one at a time (act/rescore.ts says why).
    rescores: new KeyedMutex(),
    /** Every write of results and verdicts goes through this process (SQLite, PGlite; not PostgreSQL). */
    onlyWriter: ownsResults(db),
  };
}

/** How the store behaves beyond the database it is given. */
export interface StoreOptions {
  /** Embedded backends: uploads stored within this many ms of each other share one commit (0: off). */
  groupCommitMs?: number;
  /** Rows of test history held in memory where this process is the only writer (default HISTORY_CACHE_ROWS; 0: none). */
  historyCacheRows?: number;
  /** Results past which a queued report is stored in pieces of this many, a commit each (default PIECE_RESULTS). */
  pieceResults?: number;
}

/** History rows held in memory at most: 2,000 tests × 500 reports, ~60 MB. */
export const HISTORY_CACHE_ROWS = 1_000_000;

/**
 * Whether every write of results goes through this process, so a cache of them stays true: PGlite (one
 * process opens it) and SQLite under better-sqlite3 (whose open transaction a read can be told apart from).
 * Not PostgreSQL, where other replicas write.
 */
function ownsResults(db: Db): boolean {
  return db.backend === "pglite" || (db.backend === "sqlite" && rawSqlite(db.orm) !== undefined);
}

/** The store. */
export type Store = ReturnType<typeof createStore>;
