import type { JobKind } from "../model/job.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind of PGlite's vacuum (it has no autovacuum; see store/maintenance.ts). */
export const VACUUM_JOB = "vacuum" satisfies JobKind;

/** Vacuums and analyzes the tables its tick found grown (payload `tables`), one statement each. */
export const vacuumJob: JobDefinition<"vacuum"> = {
  kind: VACUUM_JOB,
  async run(job, deps) {
    for (const table of job.payload.tables) {
      const started = deps.clock();
      await deps.store.maintenance.vacuumTable(table);
      deps.log.debug({ table, ms: deps.clock() - started }, "table vacuumed");
    }
  },
};
