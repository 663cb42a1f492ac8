import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Pipeline, QueuedOutcome } from "../pipeline.ts";
import { ingestMetrics, instrumentUploads } from "./ingest.ts";

describe("instrumentUploads", () => {
  it("counts queued reports from what the pipeline answers, and hands back only the errors to retry", async () => {
    const registry = new Registry();
    const retry = new Error("database busy");
    const outcomes = new Map<string, QueuedOutcome>([
      ["a", { status: "processed", format: "junit", counts: { tests: 4, attempts: 5 } }],
      ["b", { status: "processed", format: "ctrf", counts: { tests: 2 } }],
      ["c", { status: "failed", code: "malformed" }],
      ["d", { status: "failed", code: "something_new" }],
      ["e", { status: "retry", error: retry }],
    ]);
    const pipeline: Pipeline = {
      receive: () => Promise.reject(new Error("not used")),
      processQueued: () => Promise.resolve(outcomes),
    };
    const uploads = instrumentUploads(pipeline, ingestMetrics(registry));
    const errors = await uploads.processQueuedBatch(["a", "b", "c", "d", "e", "gone"]);
    expect([...errors]).toEqual([["e", retry]]);
    const text = await registry.metrics();
    expect(text).toContain('flakeguard_reports_ingested_total{format="junit"} 1');
    expect(text).toContain('flakeguard_reports_ingested_total{format="ctrf"} 1');
    expect(text).toContain("flakeguard_results_ingested_total 7");
    expect(text).toContain('flakeguard_parse_failures_total{reason="malformed"} 1');
    expect(text).toContain('flakeguard_parse_failures_total{reason="other"} 1');
    expect(text).toContain('flakeguard_ingest_duration_seconds_count{mode="queued"} 1');
    await expect(uploads.processQueued("e")).rejects.toBe(retry);
  });
});
