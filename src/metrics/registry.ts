import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { httpMetrics, type HttpMetrics } from "./http.ts";

/** Every metric FlakeGuard exports, on its own registry (no global default registry). */
export interface Metrics {
  registry: Registry;
  http: HttpMetrics;
}

/** Creates the registry with process default metrics and build info. */
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
  return { registry, http: httpMetrics(registry) };
}
