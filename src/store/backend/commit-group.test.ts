import { sql, type SQL } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitGroup } from "./commit-group.ts";
import { openDb, type Db } from "./db.ts";

/** better-sqlite3's statement runner (the store's Orm is typed as PostgreSQL's builder). */
const run = async (orm: Db["orm"], q: SQL) => (orm as unknown as { run(q: SQL): unknown }).run(q);

describe("commitGroup (SQLite in memory)", () => {
  let db: Db;
  let transactions: number;
  beforeEach(async () => {
    db = await openDb({ backend: "sqlite", path: ":memory:" });
    await run(db.orm, sql`create table t (v text primary key)`);
    transactions = 0;
    const tx = db.tx.bind(db);
    db.tx = (fn) => {
      transactions++;
      return tx(fn);
    };
  });
  afterEach(() => db.close());

  const put = (v: string) => async (orm: Db["orm"]) => {
    await run(orm, sql`insert into t (v) values (${v})`);
    return v;
  };
  const stored = async () => (await db.rows<{ v: string }>(sql`select v from t order by v`)).map((r) => r.v);

  it("runs work submitted within the window in one transaction and answers each caller after it", async () => {
    const group = commitGroup(db, 5);
    expect(await Promise.all([group(put("a")), group(put("b")), group(put("c"))])).toEqual(["a", "b", "c"]);
    expect(transactions).toBe(1);
    expect(await stored()).toEqual(["a", "b", "c"]);
  });

  it("retries each item alone when the shared transaction fails: the bad one fails, the others are stored", async () => {
    const group = commitGroup(db, 5);
    const outcomes = await Promise.allSettled([group(put("a")), group(put("a")), group(put("b"))]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String(((outcomes[1] as PromiseRejectedResult).reason as Error).cause)).toMatch(/UNIQUE/);
    expect(await stored()).toEqual(["a", "b"]);
  });

  it("with a window of 0, every call is its own transaction", async () => {
    const group = commitGroup(db, 0);
    await Promise.all([group(put("a")), group(put("b"))]);
    expect(transactions).toBe(2);
  });
});
