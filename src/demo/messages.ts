/**
 * Failure texts as real runners print them, with the volatile bits (timestamps, ports, hex addresses) a
 * fingerprint normaliser has to mask: the same cause must still group as one fingerprint.
 */
import type { Random } from "./random.ts";

/** A failure as it goes into the XML. */
export interface FailureText {
  message: string;
  type: string;
  stack: string;
}

const iso = (time: number) => new Date(time).toISOString();
const port = (rng: Random) => rng.int(32768, 60999);

function stack(file: string, rng: Random): string {
  return [
    `    at Object.<anonymous> (${file}:${rng.int(10, 400)}:${rng.int(3, 40)})`,
    `    at Promise.then.completed (node_modules/jest-circus/build/utils.js:${rng.int(290, 310)}:28)`,
    "    at processTicksAndRejections (node:internal/process/task_queues:95:5)",
  ].join("\n");
}

/** Why a flaky test failed this time; `cause` picks the test's usual reason. */
export function flakyFailure(cause: number, file: string, time: number, rng: Random): FailureText {
  const texts: [string, string][] = [
    ["Error", `Timeout of 5000ms exceeded at ${iso(time)}`],
    ["FetchError", `request to http://127.0.0.1:${port(rng)}/api/health failed, reason: socket hang up`],
    ["AssertionError", `expected element <div#toast 0x${rng.hex(12)}> to be visible`],
    ["Error", `listen EADDRINUSE: address already in use :::${port(rng)}`],
    ["Error", `listener 0x${rng.hex(12)} fired after teardown at ${iso(time)}`],
  ];
  const [type, message] = texts[cause % texts.length];
  return { type, message, stack: `${type}: ${message}\n${stack(file, rng)}` };
}

/** A real break: the same assertion every time (only the stack's line numbers are the test's own). */
export function brokenFailure(kind: "regression" | "pr-broken", file: string): FailureText {
  const [type, message] =
    kind === "regression"
      ? ["AssertionError", "expected 'total: 41.90' to equal 'total: 42.00'"]
      : ["TypeError", "Cannot read properties of undefined (reading 'lineItems')"];
  return { type, message, stack: `${type}: ${message}\n    at Object.<anonymous> (${file}:42:17)` };
}

/** The text every test caught in outage `cause` prints: one cause, volatile bits differing per test. */
export function outageFailure(cause: number, host: string, time: number, rng: Random): FailureText {
  const at = time + rng.int(0, 90_000);
  const texts: [string, string][] = [
    ["SequelizeConnectionError", `connect ECONNREFUSED ${host}:5432 at ${iso(at)}`],
    ["Error", `getaddrinfo EAI_AGAIN ${host} (pool 0x${rng.hex(12)}, ${iso(at)})`],
    ["TimeoutError", `container postgres:16 not ready after 60000ms (mapped port ${port(rng)}, started ${iso(at)})`],
  ];
  const [type, message] = texts[cause % texts.length];
  return {
    type,
    message,
    stack: `${type}: ${message}\n    at Connection.connect (node_modules/pg/lib/client.js:${rng.int(100, 140)}:18)`,
  };
}

/** What every member of planted cluster `cluster` prints when its shared cause fires: one message, each its own stack. */
export function clusterFailure(cluster: number, file: string, time: number, rng: Random): FailureText {
  const texts: [string, string][] = [
    ["FetchError", `request to https://payments-sandbox.internal/v2/charges failed, reason: read ECONNRESET`],
    ["Error", `fixture 'seeded-catalog' not ready: lock held by worker ${rng.int(1, 8)} since ${iso(time)}`],
    ["TimeoutError", `waiting for selector "#session-banner" failed: timeout 30000ms exceeded`],
  ];
  const [type, message] = texts[cluster % texts.length];
  return { type, message, stack: `${type}: ${message}\n${stack(file, rng)}` };
}
