// Temporary build entry used by build.ts only while src/main.ts does not exist yet: proves that the
// executable loads its embedded SQLite addon, PGlite files and UI. `flakeguard probe` prints one line each.
import Database from "better-sqlite3";
import { isSea, pgliteEmbeddedOptions, sqliteNativeBinding, uiAssets } from "./embedded.ts";

async function probe(): Promise<void> {
  const started = performance.now();
  const sqlite = new Database(":memory:", { nativeBinding: sqliteNativeBinding() } as Database.Options);
  const row = sqlite.prepare("select sqlite_version() as v").get() as { v: string };
  console.log(`sqlite ${row.v} (sea=${isSea()}) ${(performance.now() - started).toFixed(0)} ms`);
  const { PGlite } = await import("@electric-sql/pglite");
  const pg = await PGlite.create({ ...(await pgliteEmbeddedOptions()) });
  const result = await pg.query<{ version: string }>("select version()");
  console.log(`pglite ${result.rows[0]?.version.split(" ")[1]} ${(performance.now() - started).toFixed(0)} ms`);
  await pg.close();
  console.log(`ui ${[...uiAssets().keys()].join(" ")}`);
}

// No top-level await: the executable's bundle is CommonJS, which cannot have it.
const command = process.argv[2];
if (command === "version") console.log(`flakeguard 0.1.0-probe node ${process.version}`);
else if (command === "probe") probe().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
else console.log("usage: flakeguard version|probe");
