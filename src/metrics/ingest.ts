import { Counter, Histogram, type Registry } from "prom-client";
import { AppError } from "../lib/errors.ts";
import type { Pipeline, Uploads } from "../pipeline.ts";

/** Report ingestion metrics. */
export interface IngestMetrics {
  reports: Counter<"format">;
  results: Counter;
  parseFailures: Counter<"reason">;
  duration: Histogram<"mode">;
}

/** Why a report can be refused (ReportParseError codes plus the upload's own limits), a bounded label set. */
const PARSE_REASONS = new Set([
  "empty",
  "malformed",
  "not_a_report",
  "unsupported_format",
  "limit_exceeded",
  "doctype_refused",
  "invalid_shape",
  "payload_too_large",
]);

/** Registers the ingest counters and the ingest duration histogram. */
export function ingestMetrics(registry: Registry): IngestMetrics {
  return {
    reports: new Counter({
      name: "flakeguard_reports_ingested_total",
      help: "Reports parsed and stored (duplicates not counted), by format.",
      labelNames: ["format"],
      registers: [registry],
    }),
    results: new Counter({
      name: "flakeguard_results_ingested_total",
      help: "Test results (one per attempt) stored from ingested reports.",
      registers: [registry],
    }),
    parseFailures: new Counter({
      name: "flakeguard_parse_failures_total",
      help: "Reports refused as unreadable, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "flakeguard_ingest_duration_seconds",
      help: "Time to ingest one upload in the request (mode=inline), or one batch of queued reports by a worker (mode=queued).",
      labelNames: ["mode"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}

/**
 * The pipeline's entry points for HTTP and the worker, every upload and queued report counted and timed from
 * what the pipeline's stages answer (the pipeline knows nothing of metrics).
 */
export function instrumentUploads(pipeline: Pipeline, m: IngestMetrics): Uploads {
  const processQueuedBatch = async (reportIds: string[]): Promise<Map<string, unknown>> => {
    const end = m.duration.startTimer({ mode: "queued" });
    const outcomes = await pipeline.processQueued(reportIds);
    end();
    const errors = new Map<string, unknown>();
    for (const [id, outcome] of outcomes) {
      if (outcome.status === "processed") {
        m.reports.inc({ format: outcome.format });
        m.results.inc(outcome.counts.attempts ?? outcome.counts.tests ?? 0);
      } else if (outcome.status === "failed") {
        m.parseFailures.inc({ reason: PARSE_REASONS.has(outcome.code) ? outcome.code : "other" });
      } else errors.set(id, outcome.error);
    }
    return errors;
  };
  return {
    async receive(project, files, meta, format, options) {
      const end = m.duration.startTimer({ mode: "inline" });
      try {
        const outcomes = await pipeline.receive(project, files, meta, format, options);
        for (const o of outcomes) {
          if (o.duplicate || o.status !== "processed") continue;
          m.reports.inc({ format: o.format });
          m.results.inc(o.counts?.attempts ?? o.counts?.tests ?? 0);
        }
        if (outcomes.some((o) => o.status === "processed")) end();
        return outcomes;
      } catch (e) {
        if (e instanceof AppError && PARSE_REASONS.has(e.code)) m.parseFailures.inc({ reason: e.code });
        throw e;
      }
    },

    async processQueued(reportId) {
      const failed = (await processQueuedBatch([reportId])).get(reportId);
      if (failed) throw failed;
    },

    processQueuedBatch,
  };
}
