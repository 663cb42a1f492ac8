import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { LIVE_EVENTS } from "../model/live.ts";
import type { Project } from "../model/project.ts";
import type { BusMessage } from "../shared-state/bus.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { loadProject } from "./projects.ts";
import { authErrors, badRequestResponse, notFoundResponse } from "./schemas.ts";

/** A comment line this often keeps proxies and browsers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** Messages queued for one slow client; past this the stream closes and the browser reconnects. */
const MAX_QUEUED = 1000;
const LIVE = new Set<string>(LIVE_EVENTS);

/** GET /api/v1/stream */
export const streamRoute = createRoute({
  method: "get",
  path: "/api/v1/stream",
  tags: ["ui"],
  security: [{ bearer: [] }],
  summary:
    "Live updates as server-sent events: report.processed, verdicts.changed, quarantine.changed, incident.opened",
  description:
    "Starts with `event: ready`; each event's data is JSON with `projectId` and `project` (slug). A comment line every 15 s.",
  request: {
    query: z.object({ project: z.string().max(100).optional().openapi({ description: "only this project's events" }) }),
  },
  responses: {
    200: { description: "An event stream", content: { "text/event-stream": { schema: z.string() } } },
    ...badRequestResponse,
    ...authErrors,
    ...notFoundResponse,
  },
});

/** Handler: relays the bus's messages the caller may see, until the client goes away. */
export const streamHandler =
  (d: HttpDeps, heartbeatMs = HEARTBEAT_MS): RouteHandler<typeof streamRoute, HttpEnv> =>
  async (c) => {
    const slug = c.req.valid("query").project;
    const only = slug ? await loadProject(d.store, c, slug) : undefined;
    const principal = c.get("principal");
    // An upload token sees its own project only; everyone else who may read sees every project.
    const visible = (projectId: string | undefined) =>
      projectId !== undefined &&
      (only ? projectId === only.id : principal.kind !== "upload" || projectId === principal.projectId);
    const slugs = new Map<string, string>(only ? [[only.id, only.slug]] : []);
    const slugOf = async (id: string) => {
      if (!slugs.has(id))
        slugs.set(id, ((await d.store.projects.getProjectById(id)) as Project | undefined)?.slug ?? "");
      return slugs.get(id)!;
    };
    return streamSSE(c, async (stream) => {
      const queue: BusMessage[] = [];
      let wake = () => undefined as void;
      const subscription = d.shared.bus.subscribe((msg) => {
        // Only the live-update kinds: the bus may carry other messages between replicas.
        if (!LIVE.has(msg.type) || !visible(msg.projectId)) return;
        if (queue.length >= MAX_QUEUED) {
          stream.abort();
          return;
        }
        queue.push(msg);
        wake();
      });
      let subscribed = true;
      const unsubscribe = () => {
        if (subscribed) {
          subscribed = false;
          subscription();
        }
      };
      stream.onAbort(() => {
        unsubscribe();
        wake();
      });
      // On shutdown the stream ends, so the server need not wait out its grace period; browsers reconnect.
      const end = () => stream.abort();
      d.stopping?.addEventListener("abort", end, { once: true });
      if (d.stopping?.aborted) end();
      try {
        // Subscribed before this is written: a client that saw `ready` misses nothing published after it.
        await stream.writeSSE({ event: "ready", data: JSON.stringify({ project: only?.slug ?? null }), retry: 3000 });
        let seq = 0;
        while (!stream.aborted && !stream.closed) {
          if (queue.length === 0) {
            const beat = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(true), heartbeatMs);
              wake = () => {
                clearTimeout(timer);
                resolve(false);
              };
            });
            wake = () => undefined;
            if (beat && !stream.aborted) await stream.write(": heartbeat\n\n");
            continue;
          }
          const msg = queue.shift()!;
          const projectId = msg.projectId!;
          const data = {
            ...msg.data,
            projectId,
            project: (msg.data?.project as string | undefined) ?? (await slugOf(projectId)),
          };
          await stream.writeSSE({ event: msg.type, data: JSON.stringify(data), id: String(++seq) });
        }
      } finally {
        unsubscribe();
        d.stopping?.removeEventListener("abort", end);
      }
    }) as never;
  };
