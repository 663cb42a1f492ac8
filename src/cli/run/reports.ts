import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { globPaths } from "../../lib/glob.ts";
import { parseReport } from "../../ingest/registry.ts";
import type { ReportFile } from "../upload/files.ts";
import { expandReportPatterns } from "../upload/files.ts";

/** Directories the default globs never descend into: huge, and never this run's reports. */
const SKIPPED_DIRS = new Set(["node_modules", ".git"]);

/**
 * The report files the patterns match that were modified at or after `since` (ms since the epoch). `since`
 * is rounded down to the second because some filesystems keep mtimes in whole seconds.
 */
export async function findFreshReports(
  patterns: string[],
  cwd: string,
  since: number,
  skipVendored: boolean,
): Promise<ReportFile[]> {
  const cutoff = Math.floor(since / 1000) * 1000;
  const { files } = skipVendored ? await expandSkipping(patterns, cwd) : await expandReportPatterns(patterns, cwd);
  const fresh: ReportFile[] = [];
  for (const file of files) {
    const modified = await stat(file.path).then(
      (s) => s.mtimeMs,
      () => -1,
    );
    if (modified >= cutoff) fresh.push(file);
  }
  return fresh;
}

/** Like expandReportPatterns, but without walking node_modules or .git (the defaults use `**`). */
async function expandSkipping(patterns: string[], cwd: string): Promise<{ files: ReportFile[] }> {
  const seen = new Set<string>();
  const files: ReportFile[] = [];
  const exclude = (name: string) => name.split(/[\\/]/).some((part) => SKIPPED_DIRS.has(part));
  for (const pattern of patterns) {
    for (const match of (await globPaths(pattern, cwd, exclude)).sort()) {
      const path = resolve(cwd, match);
      if (
        seen.has(path) ||
        !(await stat(path).then(
          (s) => s.isFile(),
          () => false,
        ))
      )
        continue;
      seen.add(path);
      files.push({ path, displayPath: match });
    }
  }
  return { files };
}

/**
 * The tests that failed (or errored) in the given reports, as `suite::name`, each once. A test that passed
 * on a retry within the report is not a failure. Throws when a report cannot be read or parsed, since the
 * list would then be incomplete and a real failure could go unnoticed.
 */
export async function failingTests(files: ReportFile[]): Promise<string[]> {
  const failing = new Set<string>();
  for (const file of files) {
    let report;
    try {
      report = await parseReport(new Uint8Array(await readFile(file.path)));
    } catch (error) {
      throw new Error(`cannot read ${file.displayPath}: ${(error as Error).message}`, { cause: error });
    }
    for (const test of report.tests) {
      if (test.outcome === "failed" || test.outcome === "error") failing.add(`${test.suite}::${test.name}`);
    }
  }
  return [...failing];
}
