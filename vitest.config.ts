import { defineConfig } from "vitest/config";

// Three tiers: unit tests beside the code, HTTP scenarios against a fresh database, e2e against the
// built executable. Each tier is a vitest project so `npm run test:<tier>` runs one.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "ui/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "scenario",
          include: ["test/scenario/**/*.test.ts"],
          globalSetup: ["test/helpers/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/build-once.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // The e2e tier drives real processes and ports; run its files one at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "hardening",
          include: ["test/hardening/**/*.test.ts"],
          globalSetup: ["test/e2e/build-once.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // Hostile input, crashes and restarts against real processes, ports and databases: one file at a time,
          // after the other tiers (groupOrder), so their memory and timing bounds are not measured under their load.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
