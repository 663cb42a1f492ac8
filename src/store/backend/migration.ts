/** One forward-only migration: drizzle-kit's tag and its SQL (statements split by breakpoints). */
export interface Migration {
  name: string;
  sql: string;
}

/** The statements of a migration, as drizzle-kit separates them. */
export function migrationStatements(m: Migration): string[] {
  return m.sql
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
