/** The constants of co-failure clusters, each with the reason for its value (docs/detection.md explains them). */

/**
 * A pair of tests must have failed together in at least this many reports (decayed as verdict evidence is):
 * one shared failure cannot tell a cause from chance; from two on the hypergeometric test and BH decide
 * (bench:accuracy --clusters, seed 1: with 3, a 3 %-cluster on one OS was found at run 376, with 2 at 260,
 * nothing else changed).
 */
export const MIN_CO_FAILURES = 2;

/**
 * False-discovery rate of Benjamini–Hochberg over every pair of flaky tests: of the pairs called linked, at
 * most this share are expected to be chance; a false pair rarely makes a false member, since a member must link
 * to half its cluster. bench:accuracy --clusters, seeds 1–3: 1 % → 5 % found clusters a median 27 member runs
 * sooner (max lag 242 → 179 runs), with the same members and no independent flaky test clustered.
 */
export const CLUSTER_FDR = 0.05;

/** Fewest tests a cluster has: two tests failing together are a pair (often one test's fixture in another), not a systemic cause. */
export const MIN_CLUSTER_SIZE = 3;

/**
 * Each member of a cluster is linked (significant pair) to at least this share of the other members: a
 * chain of pairs through one chance link must not join two causes into one cluster.
 */
export const MIN_LINKED_SHARE = 0.5;

/** The explanation names where co-failures concentrate (variant, job, hours) once there are this many of them… */
export const CONCENTRATION_MIN_REPORTS = 5;
/** …when one place holds this share of them… */
export const CONCENTRATION_SHARE = 0.6;
/** …and when that share is at least this much above the place's share of the members' runs (else it is only where they run). */
export const CONCENTRATION_LIFT = 0.2;
