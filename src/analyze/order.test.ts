import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "./policy.ts";
import { policyEvidence } from "./policy-decide.ts";
import { inCommitOrder, withoutOrphanReruns } from "./order.ts";
import { scoreTest } from "./score.ts";
import { ctx, HOUR, line, NOW, obs, shuffled } from "../../test/helpers/score-histories.ts";

// Main passes for 20 commits, then breaks for good; while the newer commits fail, someone re-runs the
// job of the last good commit, and that re-run (attempt 2) passes — arriving after the first failure.
function regressionWithLateRerun() {
  const history = line("P".repeat(20) + "FFF", { every: HOUR });
  const lastGood = history[19];
  history.push(
    obs({
      reportId: "rerun",
      run: lastGood.run,
      jobAttempt: 2,
      commit: lastGood.commit,
      receivedAt: history[20].receivedAt + HOUR / 4,
    }),
  );
  return history;
}

describe("inCommitOrder", () => {
  it("puts a late re-run of an older commit with that commit, and is independent of input order", () => {
    const history = regressionWithLateRerun();
    const ordered = inCommitOrder(history);
    expect(ordered.map((o) => o.reportId).slice(19, 22)).toEqual([history[19].reportId, "rerun", history[20].reportId]);
    expect(inCommitOrder(shuffled(history, 7)).map((o) => o.reportId)).toEqual(ordered.map((o) => o.reportId));
  });

  it("orders reports stored in the same millisecond by what they are, not by their ids: two commits stay apart", () => {
    // Commit X fails in two jobs and commit Y passes, all three stored in one millisecond, between passing runs.
    const before = line("P".repeat(10), { every: HOUR });
    const at = NOW + HOUR;
    const after = line("P".repeat(10), { id: "z", every: HOUR }).map((o, i) => ({
      ...o,
      receivedAt: at + (i + 1) * HOUR,
    }));
    const burst = (ids: string[]) => [
      obs({ reportId: ids[0], commit: "X", run: "x1", receivedAt: at, outcome: "failed" }),
      obs({ reportId: ids[1], commit: "X", run: "x2", receivedAt: at, outcome: "failed" }),
      obs({ reportId: ids[2], commit: "Y", run: "y", receivedAt: at }),
    ];
    const scored = ["abc", "acb", "cab", "bca"].map((ids) => {
      const history = [...before, ...burst([...ids]), ...after];
      expect(
        inCommitOrder(history)
          .map((o) => o.commit)
          .slice(10, 13),
      ).toEqual(["X", "X", "Y"]);
      return scoreTest(history, { ...ctx, now: at + 11 * HOUR, completeHistory: true }).overall;
    });
    expect(new Set(scored.map((v) => `${v.status} ${v.score}`)).size).toBe(1);
  });

  it("does not copy a history already in order", () => {
    const history = line("PPFP");
    expect(inCommitOrder(history)).toBe(history);
  });

  it("keeps a regression broken when an older commit's re-run passes between its failures", () => {
    const history = regressionWithLateRerun();
    expect(scoreTest(history, { ...ctx, now: NOW + 4 * HOUR }).overall.status).toBe("broken");
  });

  it("counts that regression as one failure episode for the quarantine policy", () => {
    const history = regressionWithLateRerun();
    expect(policyEvidence(DEFAULT_POLICY, history, "main", NOW + 4 * HOUR).failureEpisodes).toBe(1);
  });
});

describe("withoutOrphanReruns", () => {
  it("leaves out a commit first seen through a re-run once the history is cut, so the regression stays broken", () => {
    // The window starts after the last good commit's first run: only its late re-run is left of it.
    const cut = regressionWithLateRerun().slice(20);
    expect(scoreTest(cut, { ...ctx, completeHistory: false }).overall.status).toBe("broken");
    // Read with the re-run at its arrival, its pass splits the failures and the step change is lost.
    expect(scoreTest(cut, { ...ctx, completeHistory: true }).overall.status).not.toBe("broken");
    expect(withoutOrphanReruns(cut, false).map((o) => o.reportId)).not.toContain("rerun");
    expect(withoutOrphanReruns(cut, false)).toHaveLength(3);
  });

  it("keeps everything in a complete history, and a re-run whose first run is in view", () => {
    const cut = regressionWithLateRerun().slice(20);
    expect(withoutOrphanReruns(cut, true)).toBe(cut);
    const whole = regressionWithLateRerun();
    expect(withoutOrphanReruns(whole, false)).toBe(whole);
  });
});
