import type { Logger } from "../lib/log.ts";
import type { Principal } from "../model/project.ts";

/** Per-request values set by middleware and read by handlers. */
export interface HttpEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    /** The session cookie's secret when the request is signed in with one (CSRF tokens are keyed by it). */
    sessionSecret?: string;
    log: Logger;
  };
}
