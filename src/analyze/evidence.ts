/** Evidence in plain words, pointing at the runs, commit and variant it comes from. */
import type { Evidence, Observation } from "../model/verdict.ts";

/** The run an observation belongs to: the CI run id, else its report (each report its own run). */
export function runKey(o: Observation): string {
  return o.run ?? o.reportId;
}

/** A commit as people read it. */
export function shortCommit(commit: string | null): string {
  return commit === null ? "an unknown commit" : commit.slice(0, 7);
}

/** Where an observation ran: "run 8812", with the job and its re-run attempt when known. */
export function where(o: Observation): string {
  const run = o.run === null ? `report ${o.reportId}` : `run ${o.run}`;
  const job = o.job === null ? "" : ` job ${o.job}`;
  return o.jobAttempt > 1 ? `${run}${job} attempt ${o.jobAttempt}` : `${run}${job}`;
}

function variantNote(o: Observation): string {
  return o.variant === "" ? "" : ` (${o.variant})`;
}

/** "failed then passed on retry in run 8812 at a1b2c3d (os=linux)" */
export function retryEvidence(o: Observation, weight: number, total: number): Evidence {
  const more = total > 1 ? `; ${total} retries like this in all` : "";
  return {
    kind: "retry",
    weight,
    runs: [runKey(o)],
    ...pin(o),
    text: `failed then passed on retry in ${where(o)} at ${shortCommit(o.commit)}${variantNote(o)}${more}`,
  };
}

/** "passed and failed on commit a1b2c3d in two jobs (failed in run 1 job a, passed in run 1 job a attempt 2)" */
export function sameCommitEvidence(
  failed: Observation,
  passed: Observation,
  weight: number,
  crossVariant: boolean,
): Evidence {
  const places =
    failed.variant !== passed.variant
      ? `on ${failed.variant || "no variant"} and ${passed.variant || "no variant"}`
      : runKey(failed) === runKey(passed) && failed.job === passed.job
        ? "when the job re-ran"
        : "in two jobs";
  return {
    kind: "same-commit",
    weight,
    runs: distinct(runKey(failed), runKey(passed)),
    commit: failed.commit ?? undefined,
    ...(crossVariant ? {} : variantOf(failed)),
    text: `passed and failed on commit ${shortCommit(failed.commit)} ${places} (failed in ${where(failed)}, passed in ${where(passed)})`,
  };
}

/** Evidence pinned to one observation's commit and variant. */
export function pin(o: Observation): { commit?: string; variant?: string } {
  return { ...(o.commit === null ? {} : { commit: o.commit }), ...variantOf(o) };
}

function variantOf(o: Observation): { variant?: string } {
  return o.variant === "" ? {} : { variant: o.variant };
}

function distinct(a: string, b: string): string[] {
  return a === b ? [a] : [a, b];
}

/** A rate as a percentage for people: "0.4 %", "12 %". */
export function percent(rate: number): string {
  const p = rate * 100;
  return `${p < 10 ? p.toFixed(1).replace(/\.0$/, "") : Math.round(p)} %`;
}

const KIND_ORDER: Record<Evidence["kind"], number> = {
  "step-change": 0,
  retry: 1,
  "same-commit": 2,
  history: 3,
  recovered: 4,
  incident: 5,
};

/** Whether a kind of evidence argues for this status (it then leads the list in the UI). */
function decisive(kind: Evidence["kind"], status: string): boolean {
  return status === "broken"
    ? kind === "step-change"
    : status === "flaky" && (kind === "retry" || kind === "same-commit" || kind === "history");
}

/** Evidence for the UI: what decided the status first, then by weight, then by kind; at most `max`. */
export function orderEvidence(items: Evidence[], status: string, max: number): Evidence[] {
  items.sort(
    (a, b) =>
      Number(decisive(b.kind, status)) - Number(decisive(a.kind, status)) ||
      b.weight - a.weight ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind],
  );
  if (items.length > max) items.length = max;
  return items;
}
