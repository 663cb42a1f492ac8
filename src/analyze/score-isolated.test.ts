import { describe, expect, it } from "vitest";
import { scoreTest } from "./score.ts";
import { ctx, HOUR, line } from "../../test/helpers/score-histories.ts";

// Two variants over the same CI runs and commits (same id): Linux passes throughout.
const matrix = (windows: string, o: { pr?: string; branch?: string } = {}) => [
  ...line("P".repeat(windows.length), { variant: "os=linux", ...o }),
  ...line(windows, { variant: "os=windows", ...o }),
];

describe("scoreTest: isolated failures", () => {
  it("calls a failure between passing runs flaky when the same commit passed on another variant", () => {
    const { overall, variants } = scoreTest(matrix("PPPPPFPPPP"), ctx);
    expect(variants["os=windows"].status).toBe("flaky");
    expect(overall.status).toBe("flaky");
    expect(overall.evidence[0]).toMatchObject({ kind: "same-commit", variant: "os=windows" });
    expect(overall.evidence[0].text).toMatch(
      /failed at \w+ on os=windows in run m5 job test, between passing runs on main, and passed at that commit on os=linux/,
    );
  });

  it("waits for the pass after: a Windows failure on the latest commit may be a real Windows break", () => {
    expect(scoreTest(matrix("PPPPPPPPPF"), ctx).overall.status).not.toBe("flaky");
  });

  it("needs a pass before too: a stretch at the start of the history may be the tail of a regression", () => {
    expect(scoreTest(matrix("FPPPPPPPPP"), ctx).overall.status).not.toBe("flaky");
  });

  it("takes the first run as the start when the history is complete (nothing cut before it)", () => {
    expect(scoreTest(matrix("FPPPPPPPPP"), { ...ctx, completeHistory: true }).overall.status).toBe("flaky");
    // still no flaky call for a regression at the start that lasted: a step change
    expect(scoreTest(matrix("FFFFPPPPPP"), { ...ctx, completeHistory: true }).overall.status).not.toBe("flaky");
  });

  it("does not call a Windows-only regression that was fixed flaky", () => {
    const { overall } = scoreTest(matrix("PPPPFFFPPPP"), ctx);
    expect(overall.status).toBe("healthy");
    expect(overall.evidence.map((e) => e.kind)).toContain("recovered");
  });

  it("does not count a pull request broken on Windows until its next push", () => {
    expect(scoreTest(matrix("PPPPFPPPP", { pr: "7", branch: "feature" }), ctx).overall.status).not.toBe("flaky");
  });

  it("calls four recent isolated failures on one variant flaky, without another variant to compare", () => {
    const history = line(
      "P".repeat(30) + "F" + "P".repeat(40) + "F" + "P".repeat(40) + "F" + "P".repeat(40) + "F" + "P".repeat(10),
      { every: HOUR / 20 },
    );
    const { overall } = scoreTest(history, ctx);
    expect(overall.status).toBe("flaky");
    expect(overall.evidence[0].kind).toBe("history");
    expect(overall.evidence[0].text).toContain("4 of them in the last 14 days with passing runs before and after");
    expect(overall.score).toBeGreaterThan(0);
  });

  it("does not call three single-execution failures between passes flaky: recurring breaks each fixed by the next commit look the same", () => {
    // Over 160 runs (a 1.9 % rate, whose interval reaches below the 1 % floor), so only the isolated-failure rule could call it.
    const history = line("P".repeat(40) + "F" + "P".repeat(40) + "F" + "P".repeat(40) + "F" + "P".repeat(37), {
      every: HOUR / 20,
    });
    expect(scoreTest(history, ctx).overall.status).toBe("healthy");
  });

  it("does not count failures in an outage as isolated failures", () => {
    expect(scoreTest(line("PPPPIPPPPPPPIPPPP"), ctx).overall.status).toBe("healthy");
  });
});
