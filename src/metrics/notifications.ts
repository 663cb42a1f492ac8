import { Counter, type Registry } from "prom-client";

/** Notifications sent, by channel (slack, webhook, github, …) and outcome (sent, failed, dropped, …). */
export type NotificationMetrics = Counter<"channel" | "outcome">;

/** Registers the notifications counter; notifiers call `inc({ channel, outcome })`. */
export function notificationMetrics(registry: Registry): NotificationMetrics {
  return new Counter({
    name: "flakeguard_notifications_total",
    help: "Notifications by channel and outcome.",
    labelNames: ["channel", "outcome"],
    registers: [registry],
  });
}
