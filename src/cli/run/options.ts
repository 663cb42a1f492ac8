import { UsageError } from "../command.ts";
import type { UploadFlags } from "../upload/options.ts";
import { parseUploadArgs } from "../upload/options.ts";

/**
 * Where test tools write reports by default. Only files written while the command ran are taken, so stale
 * reports of an earlier run in the same checkout are never mistaken for this one's.
 */
export const DEFAULT_REPORT_GLOBS = [
  "**/junit*.xml",
  "**/TEST-*.xml",
  "**/test-results/**/*.xml",
  "**/*.trx",
  "**/nunit*.xml",
  "**/xunit*.xml",
  "ctrf/*.json",
  "**/ctrf-report.json",
];

/** The command line of `flakeguard run`: upload flags, report globs, and the test command after `--`. */
export interface RunArgs {
  flags: UploadFlags;
  /** Report globs from --reports, or the defaults. */
  patterns: string[];
  /** True when the patterns are the defaults (they then skip node_modules and .git). */
  defaultPatterns: boolean;
  command: string[];
}

/** Splits at the first `--`; everything before is ours (upload flags and --reports), everything after is the command. */
export function parseRunArgs(args: string[]): RunArgs {
  const separator = args.indexOf("--");
  const ours = separator === -1 ? args : args.slice(0, separator);
  const command = separator === -1 ? [] : args.slice(separator + 1);
  const patterns: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < ours.length; i++) {
    const arg = ours[i];
    if (arg === "--reports") {
      const value = ours[++i];
      if (value === undefined) throw new UsageError("--reports needs a glob");
      patterns.push(value);
    } else if (arg.startsWith("--reports=")) patterns.push(arg.slice("--reports=".length));
    else rest.push(arg);
  }
  let flags: UploadFlags;
  try {
    flags = parseUploadArgs(rest);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (flags.patterns.length > 0) {
    throw new UsageError(
      `unexpected '${flags.patterns[0]}': put the test command after --, e.g. flakeguard run -- npm test`,
    );
  }
  if (command.length === 0 && !flags.help)
    throw new UsageError("no test command: flakeguard run [flags] -- <test command…>");
  const defaultPatterns = patterns.length === 0;
  return { flags, patterns: defaultPatterns ? DEFAULT_REPORT_GLOBS : patterns, defaultPatterns, command };
}
