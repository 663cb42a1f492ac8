/** "What would this policy have quarantined over the last N days?" — a replay of stored history, saving nothing. */
import { autoQuarantineDecision } from "../analyze/policy-decide.ts";
import type { Policy } from "../analyze/policy.ts";
import { scoreTest, scoringScratch } from "../analyze/score.ts";
import type { Project } from "../model/project.ts";
import type { Store } from "../store/index.ts";
import { HISTORY_LIMIT, RESCORE_BATCH, scoredAt } from "./rescore.ts";

const DAY = 86_400_000;

/** A test the policy would have quarantined, when, and why. */
export interface PreviewHit {
  testId: string;
  suite: string;
  name: string;
  file: string;
  at: number;
  reason: string;
}

/** The preview: picked tests (first N by time, the cap), and those the cap would have held back. */
export interface Preview {
  days: number;
  considered: number;
  wouldQuarantine: PreviewHit[];
  overCap: PreviewHit[];
}

/**
 * Scores each test that failed in the window as of the end of each day (its history cut there) and
 * applies the policy: the first day it would have said yes is when it would have been quarantined.
 * Releases and vetoes in between are not replayed; the cap is applied in order of time.
 */
export async function previewPolicy(
  store: Store,
  project: Project,
  policy: Policy,
  days: number,
  now: number,
): Promise<Preview> {
  const ids = await store.tests.listTestIds(project.id);
  const start = now - days * DAY;
  const hits: PreviewHit[] = [];
  let considered = 0;
  for (let i = 0; i < ids.length; i += RESCORE_BATCH) {
    const histories = await store.history.observations(ids.slice(i, i + RESCORE_BATCH), HISTORY_LIMIT);
    const failed = [...histories].filter(([, h]) =>
      h.some((o) => o.receivedAt >= start && (o.retriedPass || o.outcome === "failed" || o.outcome === "error")),
    );
    considered += failed.length;
    const names = await store.quarantine.identities(
      project.id,
      failed.map(([id]) => id),
    );
    const scratch = scoringScratch(); // reused by every scoring below: each is synchronous
    for (const [id, history] of failed) {
      const name = names.get(id);
      if (!name) continue;
      for (let at = start + DAY; at < now + DAY; at += DAY) {
        const cut = Math.min(at, now);
        const seen = history.filter((o) => o.receivedAt <= cut);
        if (seen.length === 0) continue;
        // The verdict a rescore would have stored then: scored as of its newest observation (scoredAt).
        const verdict = scoreTest(
          seen,
          {
            defaultBranch: project.defaultBranch,
            now: scoredAt(seen, cut),
            completeHistory: history.length < HISTORY_LIMIT,
          },
          scratch,
        ).overall;
        const d = autoQuarantineDecision(
          policy,
          { testId: id, ...name, verdict, history: seen },
          { defaultBranch: project.defaultBranch, now: cut, vetoUntil: null },
        );
        if (d.quarantine) {
          hits.push({ testId: id, ...name, at: cut, reason: d.reason });
          break;
        }
      }
    }
  }
  hits.sort((a, b) => a.at - b.at || a.testId.localeCompare(b.testId));
  return { days, considered, wouldQuarantine: hits.slice(0, policy.cap), overCap: hits.slice(policy.cap) };
}
