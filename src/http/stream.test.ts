// The event stream's own behaviour, without a database: heartbeats, the upload-token filter, and that a
// client going away unsubscribes from the bus.
import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import type { Principal } from "../model/project.ts";
import { memoryBus, type Bus } from "../shared-state/bus.ts";
import type { HttpDeps } from "./deps.ts";
import type { HttpEnv } from "./env.ts";
import { streamHandler, streamRoute } from "./stream.ts";

/** A bus that counts its subscribers. */
function countingBus(): Bus & { subscribers: () => number } {
  const bus = memoryBus();
  let n = 0;
  return {
    ...bus,
    subscribe(fn) {
      n++;
      const off = bus.subscribe(fn);
      return () => {
        n--;
        off();
      };
    },
    subscribers: () => n,
  };
}

function streamApp(bus: Bus, principal: Principal, heartbeatMs: number, stopping?: AbortSignal) {
  const projects = [
    { id: "p1", slug: "web", name: "web", defaultBranch: "main", createdAt: 0 },
    { id: "p2", slug: "api", name: "api", defaultBranch: "main", createdAt: 0 },
  ];
  const d = {
    shared: { bus, kind: "memory" },
    stopping,
    store: {
      projects: {
        getProject: async (slug: string) => projects.find((p) => p.slug === slug),
        getProjectById: async (id: string) => projects.find((p) => p.id === id),
      },
    },
  } as unknown as HttpDeps;
  const app = new OpenAPIHono<HttpEnv>();
  app.use("*", async (c, next) => {
    c.set("principal", principal);
    await next();
  });
  app.openapi(streamRoute, streamHandler(d, heartbeatMs));
  return app;
}

/** Reads the stream until `text` has arrived; returns everything read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, text: string): Promise<string> {
  const decoder = new TextDecoder();
  let got = "";
  while (!got.includes(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before '${text}': ${got}`);
    got += decoder.decode(value, { stream: true });
  }
  return got;
}

describe("event stream", () => {
  it("sends a heartbeat comment when idle, and unsubscribes when the client goes away", async () => {
    const bus = countingBus();
    const app = streamApp(bus, { kind: "admin", role: "admin", tokenId: "t", actor: "token:t" } as Principal, 20);
    const reader = (await app.request("/api/v1/stream")).body!.getReader();
    await readUntil(reader, "event: ready");
    expect(bus.subscribers()).toBe(1);
    await readUntil(reader, ": heartbeat\n\n");
    await reader.cancel();
    await expect.poll(() => bus.subscribers()).toBe(0);
  });

  it("gives an upload token its own project's events only, with the slug added", async () => {
    const bus = countingBus();
    const app = streamApp(
      bus,
      { kind: "upload", role: "upload", tokenId: "t", projectId: "p2", actor: "token:t" } as Principal,
      60_000,
    );
    const reader = (await app.request("/api/v1/stream")).body!.getReader();
    await readUntil(reader, "event: ready");
    await bus.publish({ type: "cache.invalidate", projectId: "p2", data: { reportId: "r0" } });
    await bus.publish({ type: "report.processed", projectId: "p1", data: { reportId: "r1" } });
    await bus.publish({ type: "report.processed", projectId: "p2", data: { reportId: "r2" } });
    const got = await readUntil(reader, "r2");
    expect(got).not.toContain("r1");
    expect(got).not.toContain("cache.invalidate");
    expect(got).toContain(`data: ${JSON.stringify({ reportId: "r2", projectId: "p2", project: "api" })}`);
    await reader.cancel();
  });

  it("ends when the server starts shutting down", async () => {
    const bus = countingBus();
    const stopping = new AbortController();
    const app = streamApp(
      bus,
      { kind: "admin", role: "admin", tokenId: "t", actor: "token:t" } as Principal,
      60_000,
      stopping.signal,
    );
    const reader = (await app.request("/api/v1/stream")).body!.getReader();
    await readUntil(reader, "event: ready");
    stopping.abort();
    for (;;) if ((await reader.read()).done) break;
    expect(bus.subscribers()).toBe(0);
  });
});
