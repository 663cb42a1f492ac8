// The history strip: one cell per run, coloured by outcome, a row per variant, runs of one commit
// boxed together, retries shown as a half-failed half-passed cell.
import { short, when } from "../format.ts";

/** One run of a test, as the strip draws it. */
export interface StripCell {
  run: string | null;
  commit: string | null;
  branch: string | null;
  variant: string;
  at: string | null;
  outcome: string;
  /** Failed and then passed on a retry within the run. */
  retried: boolean;
  attempts: number;
  incident: boolean;
}

function cellClass(c: StripCell): string {
  if (c.incident) return "cell incident";
  if (c.retried) return "cell retried";
  return `cell ${c.outcome}`;
}

function describe(c: StripCell): string {
  const what = c.incident ? `${c.outcome} during an incident` : c.retried ? `failed, then passed on retry (${c.attempts} attempts)` : c.outcome;
  return `${what} — run ${c.run ?? "?"}, commit ${short(c.commit)}${c.branch ? ` on ${c.branch}` : ""}, ${when(c.at)}`;
}

/** Groups consecutive cells of one commit. */
function byCommit(cells: StripCell[]): StripCell[][] {
  const groups: StripCell[][] = [];
  for (const c of cells) {
    const last = groups.at(-1);
    if (last && last[0].commit === c.commit) last.push(c);
    else groups.push([c]);
  }
  return groups;
}

/** The strip for `cells` (any order; drawn oldest → newest), with links to each run's page. */
export function HistoryStrip({ cells, project }: { cells: StripCell[]; project: string }) {
  const sorted = [...cells].sort((a, b) => (a.at ?? "").localeCompare(b.at ?? ""));
  const variants = [...new Set(sorted.map((c) => c.variant))].sort();
  return (
    <div class="card">
      <div class="strip" role="list" aria-label="History, oldest to newest">
        {variants.map((variant) => (
          <div class="strip-row" role="listitem" key={variant}>
            <span class="variant">{variant || "all runs"}</span>
            <div class="strip-cells">
              {byCommit(sorted.filter((c) => c.variant === variant)).map((group, i) => (
                <span class="commit" key={i} title={`commit ${short(group[0].commit)}`}>
                  {group.map((c, j) => (
                    <a key={j} class={cellClass(c)} title={describe(c)} aria-label={describe(c)}
                      href={c.run ? `/projects/${encodeURIComponent(project)}/runs/${encodeURIComponent(c.run)}` : undefined} />
                  ))}
                </span>
              ))}
            </div>
          </div>
        ))}
      </div>
      <div class="legend" aria-hidden="true">
        <span><i class="cell passed" />passed</span>
        <span><i class="cell failed" />failed</span>
        <span><i class="cell retried" />passed on retry</span>
        <span><i class="cell incident" />incident</span>
        <span><i class="cell skipped" />skipped</span>
      </div>
    </div>
  );
}
