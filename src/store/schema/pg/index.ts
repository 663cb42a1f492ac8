/** PostgreSQL (and PGlite) schema. Keep table and column names identical to ../sqlite/ — a test checks. */
export * from "./accounts.ts";
export * from "./reports.ts";
export * from "./verdicts.ts";
export * from "./quarantine.ts";
export * from "./jobs.ts";
export * from "./events.ts";
export * from "./notifications.ts";
export * from "./github.ts";
export * from "./progress.ts";
export * from "./clusters.ts";
