/** Expiry: a quarantine ends after its time and the test is scored again, so a still-flaky test comes back on evidence. */
import { publishNothing, type Publish } from "../model/live.ts";
import type { Store } from "../store/index.ts";
import { rescoreTests } from "./rescore.ts";
import { autoRelease } from "./quarantine.ts";

/** Releases every expired quarantine (all projects), then rescores those tests; returns how many were released. */
export async function releaseExpired(store: Store, now: number, publish: Publish = publishNothing): Promise<number> {
  const expired = await store.quarantine.expired(now);
  const byProject = new Map<string, string[]>();
  for (const q of expired) {
    const reason = `expired on ${new Date(q.expiresAt!).toISOString()}`;
    if (!(await autoRelease(store, q.projectId, q.testId, "expiry", reason, now))) continue; // released meanwhile
    byProject.set(q.projectId, [...(byProject.get(q.projectId) ?? []), q.testId]);
  }
  for (const [projectId, ids] of byProject) {
    const project = await store.projects.getProjectById(projectId);
    if (!project) continue;
    publish("quarantine.changed", projectId, { project: project.slug, quarantined: [], released: ids });
    await rescoreTests(store, project, ids, now, publish);
  }
  return [...byProject.values()].reduce((n, ids) => n + ids.length, 0);
}
