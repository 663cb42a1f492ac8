// The failures of a batch of queued reports are added to their groups in one write: a fingerprint seen in
// several reports counts once per sighting, and keeps the first report's sample.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordBatchFindings, type StoredReport } from "../../src/act/findings.ts";
import type { Project } from "../../src/model/project.ts";
import { createStore, type Store } from "../../src/store/index.ts";
import { BACKENDS, freshDb, type TestDb } from "../helpers/backends.ts";

describe.each(BACKENDS)("failure groups of a batch on %s", (backend) => {
  let tdb: TestDb;
  let store: Store;
  let project: Project;
  beforeAll(async () => {
    tdb = await freshDb(backend);
    store = createStore(tdb.db);
    project = await store.projects.createProject({ slug: "fg", name: "FG", defaultBranch: "main" }, 1);
  });
  afterAll(() => tdb?.cleanup());

  const report = (
    n: number,
    failures: { test: string; fingerprint: string; message: string }[],
    passing: string[],
  ): StoredReport => {
    const tests = [...failures.map((f) => f.test), ...passing].map((name) => ({
      id: `${project.id}-${name}`,
      projectId: project.id,
      suite: "s",
      name,
      file: "",
    }));
    const result = (name: string, status: "passed" | "failed", f?: { fingerprint: string; message: string }) => ({
      testId: `${project.id}-${name}`,
      attempt: 1,
      status,
      final: true,
      durationMs: 1,
      message: f?.message ?? null,
      stack: f ? `at ${name}.js:1` : null,
      fingerprint: f?.fingerprint ?? null,
      output: null,
    });
    return {
      id: `report-${n}`,
      run: `run-${n}`,
      job: "unit",
      commit: null,
      variant: "",
      rows: {
        format: "junit",
        counts: {},
        tests,
        results: [
          ...failures.map((f) => result(f.test, "failed", f)),
          ...passing.map((name) => result(name, "passed")),
        ],
      },
    };
  };

  it("adds up a fingerprint's sightings across the batch's reports and keeps the first sample", async () => {
    const passing = Array.from({ length: 20 }, (_, i) => `ok${i}`); // a few failures among many passes: no incident
    await recordBatchFindings(
      store,
      project,
      [
        report(
          1,
          [
            { test: "a", fingerprint: "fp-x", message: "first" },
            { test: "b", fingerprint: "fp-x", message: "second" },
          ],
          passing,
        ),
        report(
          2,
          [
            { test: "a", fingerprint: "fp-x", message: "third" },
            { test: "c", fingerprint: "fp-y", message: "other" },
          ],
          passing,
        ),
      ],
      500,
    );
    const groups = await store.failures.groupsByFingerprint(project.id, ["fp-x", "fp-y"]);
    expect(groups.get("fp-x")).toMatchObject({
      occurrences: 3,
      message: "first",
      stack: "at a.js:1",
      firstSeenAt: 500,
      lastSeenAt: 500,
    });
    expect(groups.get("fp-y")).toMatchObject({ occurrences: 1, message: "other" });
    await recordBatchFindings(
      store,
      project,
      [report(3, [{ test: "b", fingerprint: "fp-x", message: "later" }], passing)],
      900,
    );
    expect((await store.failures.groupsByFingerprint(project.id, ["fp-x"])).get("fp-x")).toMatchObject({
      occurrences: 4,
      message: "first",
      lastSeenAt: 900,
    });
  });
});
