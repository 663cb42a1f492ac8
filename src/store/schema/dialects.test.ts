import { getTableConfig as pgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pg from "./pg/index.ts";
import * as sqlite from "./sqlite/index.ts";

function shape(
  tables: Record<string, unknown>,
  config: (t: never) => { name: string; columns: { name: string; notNull: boolean }[] },
) {
  return Object.fromEntries(
    Object.values(tables).map((t) => {
      const c = config(t as never);
      return [c.name, c.columns.map((col) => `${col.name}${col.notNull ? " not null" : ""}`).sort()];
    }),
  );
}

describe("schemas", () => {
  it("PostgreSQL and SQLite have the same tables and columns", () => {
    const pgShape = shape(pg, pgTable as never);
    const sqliteShape = shape(sqlite, sqliteTable as never);
    expect(Object.keys(pgShape).length).toBeGreaterThan(5);
    expect(sqliteShape).toEqual(pgShape);
  });
});
