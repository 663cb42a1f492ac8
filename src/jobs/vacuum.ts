import type { JobDefinition } from "./registry.ts";

/** The job kind of PGlite's vacuum (it has no autovacuum; see store/maintenance.ts). */
export const VACUUM_JOB = "vacuum";

/** Vacuums and analyzes the tables its tick found grown (payload `tables`), one statement each. */
export const vacuumJob: JobDefinition = {
  kind: VACUUM_JOB,
  async run(job, deps) {
    const tables = job.payload.tables;
    if (!Array.isArray(tables)) throw new Error("vacuum job without a table list");
    for (const table of tables) {
      const started = deps.clock();
      await deps.store.maintenance.vacuumTable(String(table));
      deps.log?.debug({ table, ms: deps.clock() - started }, "table vacuumed");
    }
  },
};
