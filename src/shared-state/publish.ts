import type { Logger } from "../lib/log.ts";
import type { Publish } from "../model/live.ts";
import type { Bus } from "./bus.ts";

/** A Publish onto the bus: fire and forget, so a bus outage (Redis down) never fails the work it reports. */
export function busPublisher(bus: Bus, log: Logger): Publish {
  return (event, projectId, data) => {
    bus
      .publish({ type: event, projectId, data })
      .catch((err: unknown) => log.warn({ err, event }, "live update not published"));
  };
}
