// The shapes the UI reads from the API (see src/http/ and docs).
import type { TrendDay } from "./components/spark.tsx";
import type { Evidence, Verdict } from "../src/model/verdict.ts";

// A verdict and its evidence are plain JSON on the wire: the server's own types describe them exactly.
export type { Evidence, Verdict };

/** A project. */
export interface Project {
  id: string;
  slug: string;
  name: string;
  defaultBranch: string;
  createdAt: string | null;
  counts?: { reports: number; pendingReports: number };
}

/** A project on the overview. */
export interface OverviewProject {
  id: string;
  slug: string;
  name: string;
  counts: { tests: number; flaky: number; broken: number; quarantined: number };
  trend: TrendDay[];
}

/** An infrastructure incident. */
export interface Incident {
  id: string;
  reportId: string;
  run: string | null;
  job: string | null;
  commit: string | null;
  cause: string | null;
  reason: string;
  failing: number;
  total: number;
  createdAt: string | null;
  project?: string;
}

/** A test in a list. */
export interface TestSummary {
  id: string;
  suite: string;
  name: string;
  file: string;
  status: "flaky" | "broken" | "healthy" | "new";
  score: number;
  interval: [number, number];
  failureRate: number;
  runs: number;
  failures: number;
  lastFailureAt: string | null;
  lastSeenAt: string | null;
  /** Verdicts per variant, when the test ran in several (newer servers). */
  variants?: { variant: string; status: string; score: number; failureRate: number }[];
  /** Who owns fixing it: its quarantine's owner (newer servers). */
  owner?: string | null;
}

/** One observation of a test in a report. */
export interface Observation {
  reportId: string;
  run: string | null;
  job: string | null;
  commit: string | null;
  branch: string | null;
  variant: string;
  receivedAt: string | null;
  outcome: string;
  retriedPass: boolean;
  attempts: number;
  fingerprint: string | null;
  incident: boolean;
}

/** A test in full. */
export interface TestDetail {
  id: string;
  suite: string;
  name: string;
  file: string;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  verdict: Verdict | null;
  variants: Record<string, Verdict>;
  history: Observation[];
  fingerprints: { fingerprint: string; count: number }[];
  /** The co-failure cluster the test belongs to, if any. */
  cluster?: { id: string; size: number; text: string } | null;
}

/** A member of a co-failure cluster. */
export interface ClusterMember {
  id: string;
  suite: string;
  name: string;
  file: string;
  status: string | null;
  quarantined: boolean;
}

/** A cluster of flaky tests that fail together (GET …/clusters). */
export interface Cluster {
  id: string;
  tests: ClusterMember[];
  coFailures: number;
  failures: number;
  evidence: {
    text: string;
    suites: number;
    lastCoFailureAt: string | null;
    fingerprints: { fingerprint: string; message: string | null; reports: number }[];
    where: { kind: string; value: string; reports: number }[];
  };
  foundAt: string | null;
}

/** A failure group. */
export interface FailureGroup {
  fingerprint: string;
  message: string | null;
  stack: string | null;
  occurrences: number;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  tests: number;
  testIds: string[];
}

/** An active quarantine. */
export interface QuarantineEntry {
  testId: string;
  suite: string;
  name: string;
  file: string;
  mode: "mute" | "skip";
  reason: string;
  owner: string | null;
  decidedBy: string;
  since: string | null;
  expiresAt: string | null;
}

/** A CI run in the project's list. */
export interface RunSummary {
  /** Null for a report uploaded without a run id (then `key` is the report id). */
  run: string | null;
  key: string;
  commit: string | null;
  branch: string | null;
  pr: string | null;
  reports: number;
  tests: number;
  failed: number;
  flaky: number;
  startedAt: string | null;
}

/** An audit event. */
export interface AuditEvent {
  id: string;
  kind: string;
  actor: string;
  data: Record<string, unknown> | null;
  createdAt: string | null;
}
