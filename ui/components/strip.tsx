// The history strip: one cell per run, coloured by outcome, a row per variant, runs of one commit
// boxed together, a cell split into its attempts when the run retried.
import { short, when } from "../format.ts";

/** One run of a test, as the strip draws it. */
export interface StripCell {
  run: string | null;
  commit: string | null;
  branch: string | null;
  variant: string;
  at: string | null;
  outcome: string;
  /** Every attempt in order: an in-run retry shows as a cell split into its attempts. */
  attempts: string[];
  incident: boolean;
}

function describe(c: StripCell): string {
  const tries = c.attempts.length > 1 ? ` after ${c.attempts.length} attempts (${c.attempts.join(", ")})` : "";
  const what = `${c.outcome}${tries}${c.incident ? " during an incident" : ""}`;
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

/** "200 runs: 9 failed, 3 passed on a retry, 1 during an incident". */
function summary(cells: StripCell[]): string {
  const failed = cells.filter((c) => c.outcome === "failed" || c.outcome === "error").length;
  const retried = cells.filter((c) => c.outcome === "passed" && c.attempts.length > 1).length;
  const incidents = cells.filter((c) => c.incident).length;
  return `${cells.length} runs: ${failed} failed, ${retried} passed on a retry${incidents ? `, ${incidents} during an incident` : ""}`;
}

const runHref = (project: string, run: string) =>
  `/projects/${encodeURIComponent(project)}/runs/${encodeURIComponent(run)}`;

/** The newest runs as a table: what the strip shows, reachable by keyboard and read by screen readers. */
function RunList({ cells, project }: { cells: StripCell[]; project: string }) {
  return (
    <details>
      <summary>Newest runs as a list</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Run</th>
              <th>Outcome</th>
              <th>Commit</th>
              <th class="hide-small">Variant</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {cells.slice(0, 30).map((c, i) => (
              <tr key={i}>
                <td>{c.run ? <a href={runHref(project, c.run)}>{c.run}</a> : "–"}</td>
                <td>
                  {c.outcome}
                  {c.attempts.length > 1 && ` (${c.attempts.join(" → ")})`}
                  {c.incident && " · incident"}
                </td>
                <td>
                  <code>{short(c.commit)}</code>
                </td>
                <td class="hide-small">{c.variant || "–"}</td>
                <td>{when(c.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The strip for `cells` (any order; drawn oldest → newest); a cell links to its run for the mouse, the list below it for the keyboard. */
export function HistoryStrip({ cells, project }: { cells: StripCell[]; project: string }) {
  const sorted = [...cells].sort((a, b) => (a.at ?? "").localeCompare(b.at ?? ""));
  const variants = [...new Set(sorted.map((c) => c.variant))].sort();
  return (
    <div class="card">
      <div class="strip" role="list" aria-label={`History, oldest to newest: ${summary(cells)}`}>
        {variants.map((variant) => (
          <div
            class="strip-row"
            role="listitem"
            key={variant}
            aria-label={`${variant || "all runs"}: ${summary(sorted.filter((c) => c.variant === variant))}`}
          >
            <span class="variant">{variant || "all runs"}</span>
            <div class="strip-cells">
              {byCommit(sorted.filter((c) => c.variant === variant)).map((group, i) => (
                <span class="commit" key={i} title={`commit ${short(group[0].commit)}`}>
                  {group.map((c, j) => (
                    <a
                      key={j}
                      class={`cell${c.incident ? " incident" : ""}`}
                      title={describe(c)}
                      tabIndex={-1}
                      aria-hidden="true"
                      href={c.run ? runHref(project, c.run) : undefined}
                    >
                      {(c.attempts.length ? c.attempts : [c.outcome]).map((a, k) => (
                        <i key={k} class={a} />
                      ))}
                    </a>
                  ))}
                </span>
              ))}
            </div>
          </div>
        ))}
      </div>
      <div class="legend" aria-hidden="true">
        <span>
          <i class="cell">
            <i class="passed" />
          </i>
          passed
        </span>
        <span>
          <i class="cell">
            <i class="failed" />
          </i>
          failed
        </span>
        <span>
          <i class="cell">
            <i class="failed" />
            <i class="passed" />
          </i>
          passed on retry
        </span>
        <span>
          <i class="cell incident">
            <i class="failed" />
          </i>
          incident
        </span>
        <span>
          <i class="cell">
            <i class="skipped" />
          </i>
          skipped
        </span>
      </div>
      <RunList cells={[...cells].sort((a, b) => (b.at ?? "").localeCompare(a.at ?? ""))} project={project} />
    </div>
  );
}
