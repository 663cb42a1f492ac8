// The import rules of docs/architecture.md ("Folders and what they may import"), checked by `npm run lint`
// (`depcruise src ui --config .dependency-cruiser.cjs`). Type-only imports count: a type is a dependency too.
// Rules name folders, not files, so moving a file inside its folder (store/backend/, accounts/) needs no change.

/** What production code in a folder of src/ may import from src/, besides its own folder. Tests are free. */
const ALLOWED = {
  model: [],
  lib: [],
  demo: [],
  ingest: ["model"],
  // One type: analyze/ reads the failure groups' shape (store/failures.ts) but never the database.
  analyze: ["model", "store/failures\\.ts"],
  store: ["lib", "model"],
  auth: ["model"],
  "parse-pool": ["model", "ingest", "runtime"],
  notify: ["lib", "model", "store"],
  // One file of github/: the PR comment after an upload is act-stage work, published through the App.
  act: ["model", "lib", "analyze", "notify", "store", "github/publish\\.ts"],
  // Users, sessions, tokens, projects: nothing of the pipeline.
  accounts: ["model", "lib", "auth", "store", "shared-state"],
  github: ["model", "lib", "config", "store", "notify", "act", "accounts", "pipeline"],
  jobs: ["model", "lib", "config", "store", "notify", "act", "accounts", "github", "backup", "metrics", "pipeline"],
  http: [
    "model",
    "lib",
    "ingest",
    "analyze",
    "store",
    "auth",
    "notify",
    "act",
    "accounts",
    "pipeline",
    "github",
    "jobs",
    "metrics",
    "shared-state",
    "config",
    "backup",
    "runtime",
  ],
  metrics: ["lib", "store", "shared-state", "pipeline"],
  "shared-state": ["lib", "model", "store"],
  config: ["lib", "store/backend/url\\.ts"],
  backup: ["lib", "store", "runtime"],
  runtime: ["store"],
};

/** A name in ALLOWED as a path pattern: a folder of src/, or `pipeline` for src/pipeline.ts and src/pipeline/. */
const target = (name) =>
  name === "pipeline" ? "src/pipeline(\\.ts$|/)" : name.endsWith(".ts") ? `src/${name}$` : `src/${name}/`;

/** Files every folder may import: the version string. */
const EVERYONE = ["src/version\\.ts$"];

const TESTS = "\\.test\\.tsx?$";

const folderRules = Object.entries(ALLOWED).map(([folder, allowed]) => ({
  name: `${folder}-imports`,
  comment: `src/${folder}/ imports only ${allowed.join(", ") || "nothing of ours"} (docs/architecture.md)`,
  severity: "error",
  from: { path: `^src/${folder}/`, pathNot: TESTS },
  to: {
    path: "^src/",
    pathNot: [`^src/${folder}/`, ...allowed.map((a) => `^${target(a)}`), ...EVERYONE],
  },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import circle means two modules are one: break it with a type file or by moving code down.",
      severity: "error",
      from: { path: "^(src|ui)/" },
      to: { circular: true },
    },
    ...folderRules,
    {
      name: "pipeline-imports",
      comment: "pipeline.ts and pipeline/ run the stages: model, lib, ingest, parse-pool (type), store, act",
      severity: "error",
      from: { path: "^src/pipeline(\\.ts$|/)", pathNot: TESTS },
      to: {
        path: "^src/",
        pathNot: ["^src/(model|lib|ingest|parse-pool|store|act)/", "^src/pipeline(\\.ts$|/)", ...EVERYONE],
      },
    },
    {
      name: "cli-only-from-main",
      comment: "cli/ is the outermost layer: only main.ts, client.ts (the light CI client) and tests import it",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/(main|client)\\.ts$", "^src/cli/", TESTS] },
      to: { path: "^src/cli/" },
    },
    {
      name: "cli-imports",
      comment: "cli/ talks to the server over HTTP: not http, jobs, notify, analyze, metrics, pipeline.ts",
      severity: "error",
      from: { path: "^src/cli/", pathNot: TESTS },
      to: { path: "^src/(http|jobs|notify|analyze|metrics|pipeline)/|^src/pipeline\\.ts$" },
    },
    {
      name: "ui-imports",
      comment: "ui/ talks to the API over HTTP; from src/ it imports only the types of model/",
      severity: "error",
      from: { path: "^ui/" },
      to: { path: "^src/", pathNot: "^src/model/" },
    },
    {
      name: "ui-model-types-only",
      comment: "ui/ bundles for the browser: what it takes from src/model/ is types, not code",
      severity: "error",
      from: { path: "^ui/" },
      to: { path: "^src/model/", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js"] },
  },
};
