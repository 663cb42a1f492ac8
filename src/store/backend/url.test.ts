import { describe, expect, it } from "vitest";
import { parseDatabaseUrl, redactUrl } from "./url.ts";

describe("parseDatabaseUrl", () => {
  it("resolves embedded paths against the working directory", () => {
    expect(parseDatabaseUrl("sqlite:./data/fg.db", "/srv")).toEqual({ backend: "sqlite", path: "/srv/data/fg.db" });
    expect(parseDatabaseUrl("sqlite:/abs/fg.db", "/srv")).toEqual({ backend: "sqlite", path: "/abs/fg.db" });
    expect(parseDatabaseUrl("pglite:pg", "/srv")).toEqual({ backend: "pglite", path: "/srv/pg" });
    expect(parseDatabaseUrl("postgres://u@h:5432/db", "/srv")).toEqual({
      backend: "postgres",
      url: "postgres://u@h:5432/db",
    });
  });

  it("refuses malformed and unsupported URLs, without echoing a password", () => {
    expect(() => parseDatabaseUrl("mysql://u:secret@h/db", "/")).toThrow(
      /DATABASE_URL: unsupported database URL "mysql:\/\/u:\*\*\*@h\/db"/,
    );
    expect(() => parseDatabaseUrl("postgres://u:secret@:bad:port/db", "/")).toThrow(/malformed PostgreSQL URL/);
    expect(() => parseDatabaseUrl("sqlite:", "/")).toThrow(/no file path/);
  });

  it("redacts passwords", () => {
    expect(redactUrl("postgres://fg:p%40ss@db:5432/x")).toBe("postgres://fg:***@db:5432/x");
    expect(redactUrl("redis://:pw@cache:6379")).toBe("redis://:***@cache:6379");
  });
});
