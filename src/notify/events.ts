/** The changes FlakeGuard tells people about: what each event says, and the key that makes it happen once. */
import type { VerdictStatus } from "../model/verdict.ts";

/** Every event type an integration can subscribe to. */
export const EVENT_TYPES = [
  "test.flaky",
  "test.broken",
  "test.quarantined",
  "test.released",
  "verdict.changed",
  "cluster.found", // a new cluster of flaky tests that fail together: one message for the cluster, not one per member
  "digest",
  "ping",
  "github.publish", // a check run, PR comment or issues of a workflow run, for the github channel only (src/notify/github.ts)
] as const;

/** One event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The test an event is about. */
export interface TestRef {
  id: string;
  suite: string;
  name: string;
  file: string;
}

/** The project an event belongs to (slug for links). */
export interface ProjectRef {
  id: string;
  slug: string;
  name: string;
}

/** A verdict change: from which status to which, with the figures behind the new one. */
export interface VerdictChange {
  from: VerdictStatus | null;
  to: VerdictStatus;
  score: number;
  failureRate: number;
  runs: number;
  failures: number;
}

/** A quarantine change: who decided, why, until when. */
export interface QuarantineChange {
  id: string;
  mode?: string;
  reason: string;
  decidedBy: string;
  automatic: boolean;
  expiresAt?: number | null;
}

/** A cluster of flaky tests that fail together: what it rests on in plain words, and its first members. */
export interface ClusterRef {
  id: string;
  size: number;
  text: string;
  /** Its members, at most CLUSTER_EVENT_TESTS of them (`size` says how many there are). */
  tests: TestRef[];
}

/** Members listed in a cluster's event: a message names a few, the page lists them all. */
export const CLUSTER_EVENT_TESTS = 10;

/** The daily summary of a project. */
export interface Digest {
  day: string;
  counts: { flaky: number; broken: number; quarantined: number; tests: number };
  topFlaky: (TestRef & { score: number; failureRate: number })[];
}

/** A domain event as stored in the outbox (JSON) and sent as the webhook body's `data`. */
export interface NotificationEvent {
  type: EventType;
  /** Deterministic: the same change computed twice has the same key, so it is queued once per integration. */
  key: string;
  occurredAt: number;
  project: ProjectRef;
  test?: TestRef;
  verdict?: VerdictChange;
  quarantine?: QuarantineChange;
  digest?: Digest;
  cluster?: ClusterRef;
  message?: string;
}

/** Whether a verdict moving `from` → `to` is worth telling: a change, and not a first verdict of new/healthy. */
export function isNews(from: VerdictStatus | null, to: VerdictStatus): boolean {
  return from !== to && !((from === null || from === "new") && (to === "new" || to === "healthy"));
}

/**
 * Events for one test's overall verdict moving `from` → `to`: `verdict.changed` always, plus
 * `test.flaky` / `test.broken` when it became one. A first verdict of new/healthy is no news (a fresh
 * project's first upload must not send one event per test). The key holds the figures the verdict was
 * computed from, so a rescore over the same history finds the same key.
 */
export function verdictEvents(
  project: ProjectRef,
  test: TestRef,
  change: VerdictChange & { lastFailureAt: number | null },
  now: number,
): NotificationEvent[] {
  const { from, to } = change;
  if (!isNews(from, to)) return [];
  const stamp = `${test.id}:${from ?? "none"}>${to}:${change.runs}:${change.failures}:${change.lastFailureAt ?? 0}`;
  const verdict: VerdictChange = {
    from,
    to,
    score: change.score,
    failureRate: change.failureRate,
    runs: change.runs,
    failures: change.failures,
  };
  const base = { occurredAt: now, project, test, verdict };
  const out: NotificationEvent[] = [{ ...base, type: "verdict.changed", key: `verdict.changed:${stamp}` }];
  if (to === "flaky" || to === "broken") out.push({ ...base, type: `test.${to}`, key: `test.${to}:${stamp}` });
  return out;
}

/** The event of a quarantine starting or ending; keyed by the quarantine entry, which is unique. */
export function quarantineEvent(
  project: ProjectRef,
  test: TestRef,
  kind: "quarantined" | "released",
  q: QuarantineChange,
  now: number,
): NotificationEvent {
  return { type: `test.${kind}`, key: `test.${kind}:${q.id}`, occurredAt: now, project, test, quarantine: q };
}

/** The event of a cluster found for the first time; keyed by the cluster, so it is told once however often it is recomputed. */
export function clusterEvent(project: ProjectRef, cluster: ClusterRef, now: number): NotificationEvent {
  return { type: "cluster.found", key: `cluster.found:${cluster.id}`, occurredAt: now, project, cluster };
}
