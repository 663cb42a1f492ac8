/** Renders one simulated job as JUnit XML the way jest-junit/Surefire do: a retry repeats the testcase. */
import type { Execution } from "./execute.ts";

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The XML of one report: suites in first-seen order, each attempt its own <testcase>. */
export function renderJUnit(job: string, hostname: string, time: number, executions: readonly Execution[]): string {
  const bySuite = new Map<string, Execution[]>();
  for (const execution of executions) {
    const list = bySuite.get(execution.test.suite);
    if (list) list.push(execution);
    else bySuite.set(execution.test.suite, [execution]);
  }
  const out = [`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escape(job)}">\n`];
  for (const [suite, list] of bySuite) {
    const attempts = list.flatMap((e) => e.attempts);
    const failures = attempts.filter((a) => a.status === "failed").length;
    const total = attempts.reduce((sum, a) => sum + a.durationMs, 0);
    out.push(`  <testsuite name="${escape(suite)}" tests="${attempts.length}" failures="${failures}" errors="0" `);
    out.push(`time="${seconds(total)}" timestamp="${new Date(time).toISOString()}" hostname="${escape(hostname)}">\n`);
    for (const { test, attempts: tries } of list) {
      // A nested suite's testcases carry no classname (PHPUnit/Selenium): only the suite path names them.
      if (test.inner) out.push(`    <testsuite name="${escape(test.inner)}" tests="${tries.length}">\n`);
      for (const attempt of tries) {
        const owner = test.inner ? "" : `classname="${escape(suite)}" `;
        const head = `    <testcase ${owner}name="${escape(test.name)}" file="${escape(test.file)}" time="${seconds(attempt.durationMs)}"`;
        const f = attempt.failure;
        if (attempt.status === "skipped") out.push(`${head}>\n      <skipped/>\n    </testcase>\n`);
        else if (!f) out.push(`${head}/>\n`);
        else
          out.push(
            `${head}>\n      <failure message="${escape(f.message)}" type="${escape(f.type)}">${escape(f.stack)}</failure>\n    </testcase>\n`,
          );
      }
      if (test.inner) out.push("    </testsuite>\n");
    }
    out.push("  </testsuite>\n");
  }
  out.push("</testsuites>\n");
  return out.join("");
}
