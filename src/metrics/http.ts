import { Counter, Histogram, type Registry } from "prom-client";

/** HTTP request metrics. */
export interface HttpMetrics {
  requests: Counter<"method" | "route" | "status">;
  duration: Histogram<"method" | "route" | "status">;
}

/** Registers the HTTP request count and duration, by route pattern and status. */
export function httpMetrics(registry: Registry): HttpMetrics {
  return {
    requests: new Counter({
      name: "flakeguard_http_requests_total",
      help: "HTTP requests by method, route pattern and status.",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "flakeguard_http_request_duration_seconds",
      help: "HTTP request duration by method, route pattern and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
