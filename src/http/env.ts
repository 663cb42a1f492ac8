import type { Logger } from "../lib/log.ts";
import type { Principal } from "../model/project.ts";

/** Per-request values set by middleware and read by handlers. */
export interface HttpEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    log: Logger;
  };
}
