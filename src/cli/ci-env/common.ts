/** Which CI system a job runs on; "none" when no known one is detected. */
export type CiProvider =
  "github-actions" | "gitlab-ci" | "circleci" | "buildkite" | "jenkins" | "azure-pipelines" | "none";

/** What a CI job says about itself; every field is optional because providers expose different subsets. */
export interface CiInfo {
  provider: CiProvider;
  commit?: string;
  branch?: string;
  pr?: number;
  run?: string;
  job?: string;
  attempt?: number;
  url?: string;
}

/** Environment variables as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

/** Reads a UTF-8 file; may throw when it is missing. Passed in so detection stays pure. */
export type ReadTextFile = (path: string) => string;

/** The first argument that is a non-blank string, trimmed; providers leave variables set but empty. */
export function firstValue(...values: Array<string | undefined | null>): string | undefined {
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) return trimmed;
  }
  return undefined;
}

/** A positive decimal integer, or undefined for anything else ("false", "", "0", "12abc"). */
export function positiveInt(value: string | number | undefined | null): number | undefined {
  const text = String(value ?? "").trim();
  if (!/^\d+$/.test(text)) return undefined;
  const parsed = Number(text);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : undefined;
}

/** `refs/heads/feature/x` → `feature/x`; other refs (tags, pull merge refs) are not branches. */
export function branchFromRef(ref: string | undefined): string | undefined {
  const prefix = "refs/heads/";
  return ref?.startsWith(prefix) ? firstValue(ref.slice(prefix.length)) : undefined;
}

/** Drops undefined fields so results compare and print cleanly. */
export function compact(info: CiInfo): CiInfo {
  return Object.fromEntries(Object.entries(info).filter(([, value]) => value !== undefined)) as CiInfo;
}
