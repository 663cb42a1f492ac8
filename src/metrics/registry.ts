import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { httpMetrics, type HttpMetrics } from "./http.ts";
import { ingestMetrics, type IngestMetrics } from "./ingest.ts";
import { jobMetrics, type JobMetrics } from "./jobs.ts";
import { notificationMetrics, type NotificationMetrics } from "./notifications.ts";

/** Every metric FlakeGuard exports, on its own registry (no global default registry). */
export interface Metrics {
  registry: Registry;
  http: HttpMetrics;
  ingest: IngestMetrics;
  jobs: JobMetrics;
  notifications: NotificationMetrics;
}

/** Creates the registry with process default metrics and build info. Database-backed gauges: ./state.ts. */
export function createMetrics(info: { version: string; backend: string; runtime: string }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "flakeguard_" });
  const build = new Gauge({
    name: "flakeguard_build_info",
    help: "Build information; always 1.",
    labelNames: ["version", "backend", "runtime"],
    registers: [registry],
  });
  build.set(info, 1);
  return {
    registry,
    http: httpMetrics(registry),
    ingest: ingestMetrics(registry),
    jobs: jobMetrics(registry),
    notifications: notificationMetrics(registry),
  };
}
