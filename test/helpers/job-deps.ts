// Everything a job handler gets (JobDeps), for tests that run handlers or the worker without an app.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { createGitHub } from "../../src/github/service.ts";
import type { JobDeps } from "../../src/jobs/definition.ts";
import { createLogger } from "../../src/lib/log.ts";
import { createMetrics } from "../../src/metrics/registry.ts";
import { publishNothing } from "../../src/model/live.ts";
import type { Uploads } from "../../src/pipeline.ts";
import type { Store } from "../../src/store/index.ts";

/** Uploads that fail when used: the jobs under test do not parse reports unless a test passes its own. */
const noUploads: Uploads = {
  receive: () => Promise.reject(new Error("uploads are not wired into this test")),
  processQueued: () => Promise.reject(new Error("uploads are not wired into this test")),
  processQueuedBatch: () => Promise.reject(new Error("uploads are not wired into this test")),
};

/** JobDeps on `store` at `clock`, with default settings, a silent log and no live subscribers; `overrides` win. */
export function jobDeps(store: Store, clock: () => number, overrides: Partial<JobDeps> = {}): JobDeps {
  const config = loadConfig({ env: {}, cwd: mkdtempSync(join(tmpdir(), "fg-cwd-")) }).config;
  return {
    uploads: noUploads,
    store,
    clock,
    publish: publishNothing,
    config,
    metrics: createMetrics({ version: "test", backend: store.db.backend, runtime: "node" }),
    log: createLogger("silent"),
    github: createGitHub(config, clock),
    ...overrides,
  };
}
