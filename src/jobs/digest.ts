import { emitEvents } from "../notify/emit.ts";
import type { Digest, NotificationEvent } from "../notify/events.ts";
import type { JobKind } from "../model/job.ts";
import type { Store } from "../store/index.ts";
import type { JobDefinition } from "./definition.ts";

/** The job kind that sends one project's daily digest. */
export const DIGEST_JOB = "notify-digest" satisfies JobKind;

/** The projects whose integrations take the digest (the daily schedule enqueues one job for each). */
export async function digestProjects(store: Store): Promise<string[]> {
  const all = await Promise.all(
    [...new Set((await store.projects.listProjects()).map((p) => p.id))].map(async (id) =>
      (await store.integrations.enabledIntegrations(id)).some((i) => i.events.includes("digest")) ? [id] : [],
    ),
  );
  return all.flat();
}

/** The digest of a project on `day` (YYYY-MM-DD): counts and the five flakiest tests. */
export async function buildDigest(store: Store, projectId: string, day: string): Promise<Digest> {
  const [counts, flakiest] = await Promise.all([
    store.digest.projectSummary(projectId),
    store.verdicts.listTests(projectId, { status: "flaky", sort: "score", variant: "", limit: 5 }),
  ]);
  return {
    day,
    counts,
    topFlaky: flakiest.map((t) => ({
      id: t.id,
      suite: t.suite,
      name: t.name,
      file: t.file,
      score: t.score,
      failureRate: t.failureRate,
    })),
  };
}

/** Queues a project's daily digest; its key holds the day, so a second tick that day queues nothing. */
export const digestJob: JobDefinition<"notify-digest"> = {
  kind: DIGEST_JOB,
  async run(job, deps) {
    const project = await deps.store.projects.getProjectById(job.payload.projectId);
    if (!project) return;
    const at = job.payload.tickAt ?? deps.clock();
    const day = new Date(at).toISOString().slice(0, 10);
    const event: NotificationEvent = {
      type: "digest",
      key: `digest:${day}`,
      occurredAt: deps.clock(),
      project: { id: project.id, slug: project.slug, name: project.name },
      digest: await buildDigest(deps.store, project.id, day),
    };
    await emitEvents(deps.store, [event], deps.clock());
  },
};
