// The node:sqlite backend Deno uses, exercised under Node 22 (same module, same API): pragmas, the
// migrations, drizzle queries with every column kind, transactions and the raw-SQL helpers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "./db.ts";
import { createStore } from "../index.ts";
import { migrate } from "./migrate.ts";
import { bindable, openSqliteDeno } from "./sqlite-deno.ts";

describe("SQLite on node:sqlite (the Deno backend)", () => {
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "fg-sqlite-deno-"));
    db = await openSqliteDeno(join(dir, "test.db"));
    await migrate(db, 1_000);
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const project = (id: string) => ({
    id,
    slug: id,
    name: `Project ${id}`,
    defaultBranch: "main",
    createdAt: 1_700_000_000_000,
  });

  it("sets the same pragmas as the better-sqlite3 branch", async () => {
    expect(await db.rows(sql`pragma journal_mode`)).toEqual([{ journal_mode: "wal" }]);
    expect(await db.rows(sql`pragma foreign_keys`)).toEqual([{ foreign_keys: 1 }]);
    expect(await db.rows(sql`pragma busy_timeout`)).toEqual([{ timeout: 5000 }]);
    expect(await db.rows(sql`pragma synchronous`)).toEqual([{ synchronous: 1 }]);
  });

  it("applies the migrations once", async () => {
    const again = await migrate(db, 2_000);
    expect(again.applied).toEqual([]);
    expect(again.current.length).toBeGreaterThan(0);
  });

  it("round-trips rows through drizzle, integers stored as INTEGER", async () => {
    const { projects } = db.schema;
    await db.orm.insert(projects).values(project("a"));
    const [row] = await db.orm.select().from(projects).where(eq(projects.slug, "a"));
    expect(row).toEqual(project("a"));
    expect(await db.rows(sql`select typeof(created_at) as t from projects`)).toEqual([{ t: "integer" }]);
  });

  it("maps JSON, blob and boolean columns, and joins with clashing column names", async () => {
    const { projects, reports } = db.schema;
    await db.orm.insert(projects).values(project("p"));
    const report = {
      id: "r1",
      projectId: "p",
      dedupeKey: "k",
      contentHash: "h",
      attempt: 1,
      variant: "",
      state: "processed",
      counts: { tests: 2 },
      rawSize: 3,
      raw: Buffer.from([1, 2, 3]),
      receivedAt: 5,
    };
    await db.orm.insert(reports).values(report as never);
    const [joined] = await db.orm
      .select({ reportId: reports.id, projectId: projects.id, counts: reports.counts, raw: reports.raw })
      .from(reports)
      .innerJoin(projects, eq(reports.projectId, projects.id));
    expect(joined).toEqual({ reportId: "r1", projectId: "p", counts: { tests: 2 }, raw: Buffer.from([1, 2, 3]) });
    const returned = await db.orm.update(projects).set({ name: "renamed" }).where(eq(projects.id, "p")).returning();
    expect(returned.map((p) => p.name)).toEqual(["renamed"]);
  });

  it("commits a transaction, and rolls it back when it throws", async () => {
    const { projects } = db.schema;
    await db.tx(async (orm) => {
      await orm.insert(projects).values(project("kept"));
    });
    await expect(
      db.tx(async (orm) => {
        await orm.insert(projects).values(project("dropped"));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const slugs = (await db.orm.select().from(projects)).map((p) => p.slug);
    expect(slugs).toEqual(["kept"]);
  });

  it("runs transactions one at a time", async () => {
    const { projects } = db.schema;
    const order: string[] = [];
    const slow = db.tx(async (orm) => {
      order.push("a:start");
      await new Promise((r) => setTimeout(r, 20));
      await orm.insert(projects).values(project("a"));
      order.push("a:end");
    });
    const fast = db.tx(async (orm) => {
      order.push("b:start");
      await orm.insert(projects).values(project("b"));
      order.push("b:end");
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(["a:start", "a:end", "b:start", "b:end"]);
  });

  it("counts failure groups again through its own statement (no raw connection to prepare on)", async () => {
    await db.orm.insert(db.schema.projects).values(project("p1"));
    const store = createStore(db);
    await store.failures.recordFailures("p1", [{ fingerprint: "f1", message: "first", stack: null, count: 2 }], 10);
    await store.failures.recordFailures(
      "p1",
      [
        { fingerprint: "f1", message: "again", stack: null, count: 3 },
        { fingerprint: "f2", message: "new", stack: null, count: 1 },
      ],
      20,
    );
    const groups = await store.failures.groupsByFingerprint("p1", ["f1", "f2"]);
    expect(groups.get("f1")).toMatchObject({ message: "first", occurrences: 5, firstSeenAt: 10, lastSeenAt: 20 });
    expect(groups.get("f2")).toMatchObject({ message: "new", occurrences: 1 });
  });

  it("enforces foreign keys", async () => {
    const { tokens } = db.schema;
    const orphan = {
      id: "t",
      projectId: "missing",
      scope: "upload",
      name: "n",
      prefix: "fgu_",
      hash: "x",
      createdAt: 1,
    };
    const err = await db.orm
      .insert(tokens)
      .values(orphan)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    // drizzle wraps the driver's error ("Failed query: …"); SQLite's own message is its cause.
    expect((err?.cause as Error | undefined)?.message).toMatch(/FOREIGN KEY constraint failed/);
  });

  it("binds whole numbers as INTEGER and booleans as 0/1", () => {
    expect(bindable(7)).toBe(7n);
    expect(bindable(1.5)).toBe(1.5);
    expect(bindable(true)).toBe(1n);
    expect(bindable("7")).toBe("7");
    expect(bindable(null)).toBe(null);
  });
});
