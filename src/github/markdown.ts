/** Markdown pieces shared by the check run, the PR comment and issues. */
import type { ClassifiedFailure } from "../act/run-verdict.ts";

const CLASS_LABEL: Record<ClassifiedFailure["class"], string> = {
  "new-failure": "❌ new failure",
  "known-flaky": "🔁 flaky",
  quarantined: "🔇 quarantined",
  incident: "🌩️ incident",
};
const ORDER: ClassifiedFailure["class"][] = ["new-failure", "known-flaky", "quarantined", "incident"];
/** Rows beyond this are counted, not listed (comments and summaries have size limits). */
const MAX_ROWS = 50;

/** `suite › name`. */
export function testLabel(t: { suite: string; name: string }): string {
  return t.suite ? `${t.suite} › ${t.name}` : t.name;
}

/** Escapes text for a markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ").slice(0, 200);
}

/**
 * One row per failing test (the same test in several jobs once), new failures first. `scores` adds the
 * flakiness score, which moves with every run: the PR comment leaves it out so an unchanged outcome stays silent.
 */
export function failureTable(failures: ClassifiedFailure[], scores = true): string {
  const byTest = new Map<string, ClassifiedFailure & { jobs: Set<string> }>();
  for (const f of failures) {
    const seen = byTest.get(f.testId);
    if (seen) {
      if (f.job) seen.jobs.add(f.job);
      if (ORDER.indexOf(f.class) < ORDER.indexOf(seen.class)) seen.class = f.class;
    } else byTest.set(f.testId, { ...f, jobs: new Set(f.job ? [f.job] : []) });
  }
  const rows = [...byTest.values()].sort(
    (a, b) => ORDER.indexOf(a.class) - ORDER.indexOf(b.class) || testLabel(a).localeCompare(testLabel(b)),
  );
  const lines = scores
    ? ["| verdict | test | flakiness | jobs |", "|---|---|---|---|"]
    : ["| verdict | test | jobs |", "|---|---|---|"];
  for (const f of rows.slice(0, MAX_ROWS)) {
    const score = f.verdict && f.verdict.status !== "new" ? `${Math.round(f.verdict.score * 100)}%` : "–";
    lines.push(
      `| ${CLASS_LABEL[f.class]} | \`${cell(testLabel(f))}\` |${scores ? ` ${score} |` : ""} ${cell([...f.jobs].sort().join(", "))} |`,
    );
  }
  if (rows.length > MAX_ROWS) lines.push(`\n…and ${rows.length - MAX_ROWS} more.`);
  return lines.join("\n");
}
