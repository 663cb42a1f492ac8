import type { ResultRow } from "../model/ingest.ts";
import type { Orm, Schema } from "./db.ts";
import { BATCH_ROWS } from "./tests.ts";

/** Inserts a report's results in batches, in the caller's transaction. */
export async function insertResults(
  orm: Orm,
  schema: Schema,
  ids: { projectId: string; reportId: string },
  rows: ResultRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const batch = rows.slice(i, i + BATCH_ROWS).map((r) => ({ ...ids, ...r }));
    await orm.insert(schema.results).values(batch);
  }
}
