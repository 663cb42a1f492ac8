/** The quarantine lifecycle: manual quarantine and release, and what the policy does after each rescore. */
import { autoQuarantineDecision, releaseDecision } from "../analyze/policy-decide.ts";
import { storedPolicy, type Policy, type QuarantineMode } from "../analyze/policy.ts";
import { AppError, notFound } from "../lib/errors.ts";
import type { Project } from "../model/project.ts";
import type { Observation, TestVerdicts } from "../model/verdict.ts";
import { quarantineChangeWrite } from "../notify/changes.ts";
import type { Store } from "../store/index.ts";
import type { QuarantineRecord } from "../store/quarantine.ts";

const DAY = 86_400_000;

/** Who automation is in the audit log and in `decidedBy`. */
export const POLICY_ACTOR = "policy";

/** A person's (or a script's) request to quarantine a test. */
export interface ManualQuarantine {
  testId: string;
  reason: string;
  owner: string | null;
  expiresAt?: number;
  mode?: QuarantineMode;
}

/** The project's effective policy: its saved keys over the defaults. */
export async function loadPolicy(store: Store, projectId: string): Promise<Policy> {
  return storedPolicy((await store.policies.getPolicy(projectId))?.policy);
}

/** Quarantines a test by hand (a person's decision overrides a veto); 404 unknown test, 409 already quarantined. */
export async function quarantineTest(
  store: Store,
  project: Project,
  input: ManualQuarantine,
  actor: string,
  now: number,
): Promise<QuarantineRecord> {
  if (!(await store.tests.getTest(project.id, input.testId)))
    throw notFound(`test '${input.testId}' in project '${project.slug}'`);
  const policy = await loadPolicy(store, project.id);
  const entry = {
    projectId: project.id,
    testId: input.testId,
    mode: input.mode ?? policy.mode,
    reason: input.reason,
    owner: input.owner,
    decidedBy: actor,
    expiresAt: input.expiresAt ?? now + policy.expiryDays * DAY,
  };
  const done = await store.quarantine.quarantine(
    entry,
    {
      projectId: project.id,
      kind: "quarantine.added",
      actor,
      data: {
        testId: entry.testId,
        reason: entry.reason,
        owner: entry.owner,
        mode: entry.mode,
        expiresAt: entry.expiresAt,
        automatic: false,
      },
    },
    now,
    await quarantineChangeWrite(store, project, input.testId, "quarantined", false, now),
  );
  if (!done) throw new AppError(409, "conflict", `test '${input.testId}' is already quarantined`);
  return done;
}

/** Releases a test by hand and vetoes automation on it for the policy's veto period; 404 / 409 as above. */
export async function releaseTest(
  store: Store,
  project: Project,
  testId: string,
  actor: string,
  reason: string,
  now: number,
): Promise<QuarantineRecord> {
  if (!(await store.tests.getTest(project.id, testId))) throw notFound(`test '${testId}' in project '${project.slug}'`);
  const policy = await loadPolicy(store, project.id);
  const vetoUntil = policy.vetoDays > 0 ? now + policy.vetoDays * DAY : null;
  const done = await store.quarantine.release(
    testId,
    { by: actor, reason, vetoUntil },
    {
      projectId: project.id,
      kind: "quarantine.released",
      actor,
      data: { testId, reason, vetoUntil, automatic: false },
    },
    now,
    await quarantineChangeWrite(store, project, testId, "released", false, now),
  );
  if (!done) throw new AppError(409, "conflict", `test '${testId}' is not quarantined`);
  return done;
}

/** Releases a quarantine on automation's behalf (evidence, expiry, a regression); no veto. */
export async function autoRelease(
  store: Store,
  projectId: string,
  testId: string,
  why: string,
  reason: string,
  now: number,
): Promise<boolean> {
  const done = await store.quarantine.release(
    testId,
    { by: POLICY_ACTOR, reason, vetoUntil: null },
    {
      projectId,
      kind: "quarantine.released",
      actor: POLICY_ACTOR,
      data: { testId, reason, why, automatic: true },
    },
    now,
    await quarantineChangeWrite(store, projectId, testId, "released", true, now),
  );
  return done !== undefined;
}

/**
 * After verdicts are saved: releases automatic quarantines whose test now fails steadily (broken — a
 * regression must block) or has passed long enough (the statistical rule), then quarantines flaky tests
 * the policy picks, highest score first, up to the cap. A person's quarantine is left to people and expiry.
 */
export async function applyQuarantinePolicy(
  store: Store,
  project: Project,
  verdicts: ReadonlyMap<string, TestVerdicts>,
  histories: ReadonlyMap<string, Observation[]>,
  now: number,
): Promise<{ quarantined: string[]; released: string[] }> {
  const out = { quarantined: [] as string[], released: [] as string[] };
  const ids = [...verdicts.keys()];
  if (ids.length === 0) return out;
  const policy = await loadPolicy(store, project.id);
  const active = await store.quarantine.activeFor(ids);
  for (const [id, q] of active) {
    if (q.decidedBy !== POLICY_ACTOR) continue;
    const verdict = verdicts.get(id)!.overall;
    const release =
      verdict.status === "broken"
        ? {
            quarantine: false,
            why: "broken",
            reason: "the test is now broken: a regression is not hidden by quarantine",
          }
        : { ...releaseDecision(policy, histories.get(id) ?? [], q.since, project.defaultBranch), why: "evidence" };
    if (!release.quarantine && (await autoRelease(store, project.id, id, release.why, release.reason, now)))
      out.released.push(id);
  }
  if (!policy.autoQuarantine) return out;
  const flaky = ids.filter((id) => !active.has(id) && verdicts.get(id)!.overall.status === "flaky");
  if (flaky.length === 0) return out;
  const [names, vetoes, releases] = await Promise.all([
    store.quarantine.identities(project.id, flaky),
    store.quarantine.vetoes(flaky),
    store.quarantine.lastReleases(flaky),
  ]);
  const picked = flaky
    .flatMap((id) => {
      const name = names.get(id);
      if (!name) return [];
      const verdict = verdicts.get(id)!.overall;
      const d = autoQuarantineDecision(
        policy,
        { testId: id, ...name, verdict, history: histories.get(id) ?? [] },
        {
          defaultBranch: project.defaultBranch,
          now,
          vetoUntil: vetoes.get(id) ?? null,
          releasedAt: releases.get(id) ?? null,
        },
      );
      return d.quarantine ? [{ id, score: verdict.score, reason: d.reason }] : [];
    })
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  let room = policy.cap - (await store.quarantine.countActive(project.id));
  for (const p of picked) {
    if (room <= 0) break; // the cap: beyond it a flaky test blocks until a slot frees, never a silent pile-up
    const entry = {
      projectId: project.id,
      testId: p.id,
      mode: policy.mode,
      reason: p.reason,
      owner: null,
      decidedBy: POLICY_ACTOR,
      expiresAt: now + policy.expiryDays * DAY,
    };
    const done = await store.quarantine.quarantine(
      entry,
      {
        projectId: project.id,
        kind: "quarantine.added",
        actor: POLICY_ACTOR,
        data: { testId: p.id, reason: p.reason, mode: entry.mode, expiresAt: entry.expiresAt, automatic: true },
      },
      now,
      await quarantineChangeWrite(store, project, p.id, "quarantined", true, now),
    );
    if (done) {
      out.quarantined.push(p.id);
      room--;
    }
  }
  return out;
}
