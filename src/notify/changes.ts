/**
 * The act stage's hooks: verdict and quarantine changes become notification events, written to the
 * outbox in the same transaction as the change (the store functions take the prepared write).
 */
import type { Cluster } from "../model/cluster.ts";
import type { Project } from "../model/project.ts";
import type { TestVerdicts, VerdictStatus } from "../model/verdict.ts";
import type { Orm } from "../store/backend/db.ts";
import type { Store } from "../store/index.ts";
import type { AlsoWrite } from "../store/quarantine.ts";
import { outboxRows, prepareEvents, writeRows } from "./emit.ts";
import {
  CLUSTER_EVENT_TESTS,
  clusterEvent,
  isNews,
  quarantineEvent,
  verdictEvents,
  type NotificationEvent,
  type ProjectRef,
} from "./events.ts";

const ref = (p: Project): ProjectRef => ({ id: p.id, slug: p.slug, name: p.name });

/**
 * The outbox write for tests whose overall verdict moves from `before` (their status before the
 * rescore) to the new one; undefined when nothing is news or no integration listens.
 */
export async function verdictChangeWrite(
  store: Store,
  project: Project,
  before: ReadonlyMap<string, VerdictStatus>,
  verdicts: ReadonlyMap<string, TestVerdicts>,
  now: number,
): Promise<((orm: Orm) => Promise<unknown>) | undefined> {
  const changed = [...verdicts].filter(([id, v]) => isNews(before.get(id) ?? null, v.overall.status));
  if (changed.length === 0) return undefined;
  const integrations = await store.integrations.enabledIntegrations(project.id);
  if (integrations.length === 0) return undefined;
  const names = await store.quarantine.identities(
    project.id,
    changed.map(([id]) => id),
  );
  const events: NotificationEvent[] = changed.flatMap(([id, v]) => {
    const name = names.get(id);
    if (!name) return [];
    const o = v.overall;
    return verdictEvents(
      ref(project),
      { id, ...name },
      {
        from: before.get(id) ?? null,
        to: o.status,
        score: o.score,
        failureRate: o.failureRate,
        runs: o.runs,
        failures: o.failures,
        lastFailureAt: o.lastFailureAt,
      },
      now,
    );
  });
  return prepareEvents(store, events, now, integrations);
}

/** The outbox write for a quarantine of `testId` starting or ending, given the entry once the store wrote it. */
export async function quarantineChangeWrite(
  store: Store,
  project: Project | string,
  testId: string,
  kind: "quarantined" | "released",
  automatic: boolean,
  now: number,
): Promise<AlsoWrite | undefined> {
  const p = typeof project === "string" ? await store.projects.getProjectById(project) : project;
  if (!p) return undefined;
  const integrations = await store.integrations.enabledIntegrations(p.id);
  if (integrations.length === 0) return undefined; // the common case: nothing to prepare
  const name = (await store.quarantine.identities(p.id, [testId])).get(testId);
  if (!name) return undefined;
  return async (orm, q) => {
    const released = kind === "released";
    const event = quarantineEvent(
      ref(p),
      { id: testId, ...name },
      kind,
      {
        id: q.id,
        mode: q.mode,
        reason: released ? (q.releaseReason ?? "") : q.reason,
        decidedBy: released ? (q.releasedBy ?? "unknown") : q.decidedBy,
        automatic,
        expiresAt: released ? null : q.expiresAt,
      },
      now,
    );
    return writeRows(store, outboxRows(integrations, [event]), now, orm);
  };
}

/** The outbox write for clusters found for the first time: one event per cluster, not per member; undefined when none or no integration listens. */
export async function clusterFoundWrite(
  store: Store,
  project: Project,
  fresh: readonly Cluster[],
  names: ReadonlyMap<string, { suite: string; name: string; file: string }>,
  now: number,
): Promise<((orm: Orm) => Promise<unknown>) | undefined> {
  if (fresh.length === 0) return undefined;
  const events = fresh.map((c) =>
    clusterEvent(
      ref(project),
      {
        id: c.id,
        size: c.testIds.length,
        text: c.evidence.text,
        tests: c.testIds.slice(0, CLUSTER_EVENT_TESTS).flatMap((id) => {
          const name = names.get(id);
          return name ? [{ id, ...name }] : [];
        }),
      },
      now,
    ),
  );
  return prepareEvents(store, events, now);
}
