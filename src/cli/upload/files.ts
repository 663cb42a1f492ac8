import { stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { globPaths } from "../../lib/glob.ts";

/** One report file found on disk. */
export interface ReportFile {
  /** Absolute path, for reading. */
  path: string;
  /** Path relative to the working directory when inside it, for printing. */
  displayPath: string;
}

/** Files the patterns matched (each once, in pattern order) and the patterns that matched no file. */
export interface ExpandedPatterns {
  files: ReportFile[];
  unmatched: string[];
}

/** Expands paths and globs against `cwd`; directories are skipped, so `reports/**` is safe to pass. */
export async function expandReportPatterns(patterns: string[], cwd: string): Promise<ExpandedPatterns> {
  const seen = new Set<string>();
  const files: ReportFile[] = [];
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const matches = (await globPaths(pattern, cwd)).map((match) => resolve(cwd, match));
    let matchedAFile = false;
    for (const path of matches.sort()) {
      if (!(await isFile(path))) continue;
      matchedAFile = true;
      if (seen.has(path)) continue;
      seen.add(path);
      files.push({ path, displayPath: displayPathOf(path, cwd) });
    }
    if (!matchedAFile) unmatched.push(pattern);
  }
  return { files, unmatched };
}

/** The Content-Type for a report, by extension; the server sniffs the format, this only says XML or JSON. */
export function contentTypeFor(path: string): string {
  const lower = path.toLowerCase();
  if (lower.endsWith(".json")) return "application/json";
  if (lower.endsWith(".xml") || lower.endsWith(".trx")) return "application/xml";
  return "application/octet-stream";
}

/** 812 B, 48.2 KiB, 3.1 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false; // vanished between glob and stat, or a dangling symlink
  }
}

function displayPathOf(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}
