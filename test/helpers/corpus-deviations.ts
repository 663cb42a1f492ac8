/**
 * Where FlakeGuard's numbers differ on purpose from a corpus file's `.expected.json` (whose numbers follow
 * the source tool's rules). Each entry says our number and why; the corpus test fails if an entry is no
 * longer needed, so nothing here loosens a number silently.
 */

/** One deliberate difference: the field, the number (or refusal) we produce, and the reason. */
export interface Deviation {
  ours: number | boolean | null;
  reason: string;
}

const INVOCATIONS =
  "a repeat after a pass is another invocation (a test of its own), not a retry: passed, failed, errored is " +
  "two tests, one passed and one failed then retried (dorny/test-reporter and Jenkins xUnit count 3), never flaky";

const UNNAMED =
  "a testcase without a name is named by its position in its suite, '(unnamed testcase N)', and counted, " +
  "not dropped unseen (issue 23)";

const NO_DURATION = "the result (not run) has no duration and no start/end times: unknown (null), not 0";

/** file (relative to the corpus) → expectation field (or `cases.<name>.seconds`) → our value and the reason. */
export const CORPUS_DEVIATIONS: Record<string, Record<string, Deviation>> = {
  "junit/enricomi/non-junit.xml": {
    refused: {
      ours: true,
      reason:
        "root <suites> is not a test report; the same bytes are in invalid/enricomi/non-junit.xml, expected refused",
    },
  },
  "junit/enricomi/no-attributes.xml": {
    tests: { ours: 4, reason: UNNAMED },
    passed: { ours: 1, reason: UNNAMED },
    failed: { ours: 1, reason: UNNAMED },
    error: { ours: 1, reason: UNNAMED },
    skipped: { ours: 1, reason: UNNAMED },
  },
  "junit/retries/flaky_success_first.xml": {
    tests: { ours: 2, reason: INVOCATIONS },
    failing: { ours: 1, reason: INVOCATIONS },
    flaky: { ours: 0, reason: INVOCATIONS },
  },
  "nunit/enricomi/nunit3/jenkins/NUnit-sec1752-file.xml": {
    refused: { ours: true, reason: "any DOCTYPE is refused (XXE probe: external entity to a local file)" },
  },
  "nunit/enricomi/nunit3/jenkins/NUnit-sec1752-https.xml": {
    refused: { ours: true, reason: "any DOCTYPE is refused (XXE probe: external entity over https)" },
  },
  "trx/enricomi/yami_YAMILEX_2015-10-24_04_18_59.trx": {
    "cases.CompareTest.seconds": { ours: null, reason: NO_DURATION },
    "cases.GetAlphaExternoTest.seconds": { ours: null, reason: NO_DURATION },
    "cases.GetComposicionTest.seconds": { ours: null, reason: NO_DURATION },
  },
};
