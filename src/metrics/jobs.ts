import { Counter, Histogram, type Registry } from "prom-client";

/** Job and schedule metrics recorded by the worker and the scheduler of this process. */
export interface JobMetrics {
  duration: Histogram<"kind" | "outcome">;
  ticks: Counter<"schedule">;
}

/** Registers the job duration histogram (by kind and outcome) and the schedule ticks this process fired. */
export function jobMetrics(registry: Registry): JobMetrics {
  return {
    duration: new Histogram({
      name: "flakeguard_job_duration_seconds",
      help: "Time to run one job, by kind and outcome (ok, failed).",
      labelNames: ["kind", "outcome"],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
      registers: [registry],
    }),
    ticks: new Counter({
      name: "flakeguard_schedule_ticks_total",
      help: "Schedule ticks this process fired (each tick fires on one replica only).",
      labelNames: ["schedule"],
      registers: [registry],
    }),
  };
}
