import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../../lib/errors.ts";

/** Where the data lives: an embedded SQLite file, an embedded PGlite directory, or a PostgreSQL server. */
export type DatabaseTarget =
  { backend: "sqlite"; path: string } | { backend: "pglite"; path: string } | { backend: "postgres"; url: string };

/** Parses a database URL (`sqlite:FILE`, `pglite:DIR`, `postgres://…`), resolving paths against cwd. */
export function parseDatabaseUrl(url: string, cwd: string): DatabaseTarget {
  const abs = (p: string) => (p === ":memory:" || p === "memory://" || isAbsolute(p) ? p : resolve(cwd, p));
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (!path) throw new ConfigError(`DATABASE_URL: sqlite URL has no file path: "${url}"`);
    return { backend: "sqlite", path: abs(path) };
  }
  if (url.startsWith("pglite:")) {
    const path = url.slice("pglite:".length);
    if (!path) throw new ConfigError(`DATABASE_URL: pglite URL has no directory: "${url}"`);
    return { backend: "pglite", path: abs(path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      const u = new URL(url);
      if (!u.hostname && !u.searchParams.get("host")) throw new Error("no host");
    } catch {
      throw new ConfigError(`DATABASE_URL: malformed PostgreSQL URL "${redactUrl(url)}"`);
    }
    return { backend: "postgres", url };
  }
  throw new ConfigError(
    `DATABASE_URL: unsupported database URL "${redactUrl(url)}" (expected sqlite:FILE, pglite:DIR or postgres://…)`,
  );
}

/** The URL with any password replaced by ***, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@");
}
