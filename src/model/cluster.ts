/** Co-failure clusters: flaky tests that fail together, one cause to fix (docs/detection.md). */

/** Where a cluster's co-failures concentrate: one variant, job or six hours of the day (UTC). */
export interface ClusterPlace {
  kind: "variant" | "job" | "hours";
  value: string;
  /** Co-failure reports there. */
  reports: number;
}

/** What a cluster rests on, with the plain-words `text`. */
export interface ClusterEvidence {
  text: string;
  size: number;
  suites: number;
  /** Reports (run, job, attempt, variant) where two or more members failed, and where any did. */
  coFailures: number;
  failures: number;
  /** Co-failures weighted by age (halving every 14 days, as verdict evidence). */
  weight: number;
  lastCoFailureAt: number | null;
  /** The failure fingerprints the co-failures share most, with a sample message. */
  fingerprints: { fingerprint: string; message: string | null; reports: number }[];
  where: ClusterPlace[];
}

/** A stored cluster. */
export interface Cluster {
  id: string;
  projectId: string;
  testIds: string[];
  coFailures: number;
  failures: number;
  evidence: ClusterEvidence;
  foundAt: number;
  updatedAt: number;
}
