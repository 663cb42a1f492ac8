import { defineConfig } from "drizzle-kit";

// PostgreSQL and PGlite share this schema and its migrations.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema/pg/index.ts",
  out: "./migrations/pg",
});
