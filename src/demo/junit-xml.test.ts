import { describe, expect, it } from "vitest";
import { parseReport } from "../ingest/registry.ts";
import { generateHistory } from "./generate.ts";
import type { DemoUpload } from "./types.ts";

const parse = (upload: DemoUpload) => parseReport(new TextEncoder().encode(upload.junitXml));

describe("demo JUnit XML", () => {
  const history = generateHistory({ seed: 11, tests: 120, commits: 60 });

  it("parses with the project's parser into exactly the simulated attempts", async () => {
    const sample = history.uploads.filter(
      (u, i) => i % 25 === 0 || u.outage || u.results.some((r) => r.attempts.length > 1),
    );
    for (const upload of sample.slice(0, 120)) {
      const report = await parse(upload);
      expect(report.format).toBe("junit");
      const parsed = report.tests.map((t) => ({
        key: `${t.suite}::${t.name}`,
        attempts: t.attempts.map((a) => a.status),
      }));
      expect(parsed).toEqual(upload.results);
    }
  });

  it("folds a retried-then-passed test into one flaky passed test", async () => {
    const upload = history.uploads.find((u) =>
      u.results.some((r) => r.attempts.length > 1 && r.attempts.at(-1) === "passed"),
    );
    const result = upload?.results.find((r) => r.attempts.length > 1 && r.attempts.at(-1) === "passed");
    const test = (await parse(upload as DemoUpload)).tests.find((t) => `${t.suite}::${t.name}` === result?.key);
    expect(test).toMatchObject({ outcome: "passed", flaky: true });
    expect(test?.attempts.length).toBe(result?.attempts.length);
  });

  it("writes outage failures with one cause but volatile timestamps, ports or addresses", async () => {
    const outage = history.uploads.find((u) => u.outage) as DemoUpload;
    // Only the tests the outage caught (a planted break or flake in the same job fails for its own reason).
    const caught = new Set(
      outage.results.filter((r) => history.truth[r.key].kind === "incident-only").map((r) => r.key),
    );
    const messages = (await parse(outage)).tests
      .filter((t) => caught.has(`${t.suite}::${t.name}`))
      .flatMap((t) => t.attempts.map((a) => a.message))
      .filter((m) => m !== undefined);
    expect(messages.length).toBeGreaterThan(1);
    expect(new Set(messages).size).toBeGreaterThan(1);
    const masked = messages.map((m) =>
      m
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>")
        .replace(/0x[0-9a-f]+/g, "<addr>")
        .replace(/port \d+/g, "port <n>"),
    );
    expect(new Set(masked).size).toBe(1);
  });
});
