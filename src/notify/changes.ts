/** The act stage's hooks: verdict and quarantine changes become notification events in the outbox. */
import type { Project } from "../model/project.ts";
import type { TestVerdicts, VerdictStatus } from "../model/verdict.ts";
import type { Store } from "../store/index.ts";
import type { QuarantineRecord } from "../store/quarantine.ts";
import { emitEvents } from "./emit.ts";
import { isNews, quarantineEvent, verdictEvents, type NotificationEvent, type ProjectRef } from "./events.ts";

const ref = (p: Project): ProjectRef => ({ id: p.id, slug: p.slug, name: p.name });

/** Queues notifications for tests whose overall verdict differs from `before` (their status before the rescore). */
export async function notifyVerdictChanges(store: Store, project: Project, before: ReadonlyMap<string, VerdictStatus>, verdicts: ReadonlyMap<string, TestVerdicts>, now: number): Promise<void> {
  const changed = [...verdicts].filter(([id, v]) => isNews(before.get(id) ?? null, v.overall.status));
  if (changed.length === 0) return;
  const names = await store.quarantine.identities(project.id, changed.map(([id]) => id));
  const events: NotificationEvent[] = changed.flatMap(([id, v]) => {
    const name = names.get(id);
    if (!name) return [];
    const o = v.overall;
    return verdictEvents(ref(project), { id, ...name }, {
      from: before.get(id) ?? null, to: o.status, score: o.score, failureRate: o.failureRate, runs: o.runs, failures: o.failures, lastFailureAt: o.lastFailureAt,
    }, now);
  });
  await emitEvents(store, events, now);
}

/** Queues the notification of a quarantine that started or ended. */
export async function notifyQuarantineChange(store: Store, project: Project | string, q: QuarantineRecord, kind: "quarantined" | "released", automatic: boolean, now: number): Promise<void> {
  const p = typeof project === "string" ? await store.projects.getProjectById(project) : project;
  if (!p) return;
  const name = (await store.quarantine.identities(p.id, [q.testId])).get(q.testId);
  if (!name) return;
  const released = kind === "released";
  const decidedBy = released ? (q.releasedBy ?? "unknown") : q.decidedBy;
  const event = quarantineEvent(ref(p), { id: q.testId, ...name }, kind, {
    id: q.id, mode: q.mode, reason: released ? (q.releaseReason ?? "") : q.reason, decidedBy,
    automatic, expiresAt: released ? null : q.expiresAt,
  }, now);
  await emitEvents(store, [event], now);
}
