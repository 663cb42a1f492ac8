import { describe, expect, it } from "vitest";
import { clusterEvent, quarantineEvent, verdictEvents, type NotificationEvent } from "./events.ts";
import { MAX_BLOCKS, buildSlackMessage, escapeMrkdwn } from "./slack-blocks.ts";

const project = { id: "p1", slug: "web", name: "Web <app>" };
const test = (i: number) => ({ id: `t${i}`, suite: "app.Suite", name: `case ${i} & more`, file: "src/app.test.ts" });
const flaky = (i: number): NotificationEvent =>
  verdictEvents(
    project,
    test(i),
    {
      from: "healthy",
      to: "flaky",
      score: 0.42,
      failureRate: 0.1,
      runs: 20,
      failures: 2,
      lastFailureAt: 5,
    },
    1000,
  ).find((e) => e.type === "test.flaky")!;

describe("buildSlackMessage", () => {
  it("groups changes by kind under one header, with links back to the UI", () => {
    const q = quarantineEvent(
      project,
      test(2),
      "quarantined",
      {
        id: "q1",
        reason: "flaky (score 0.42)",
        decidedBy: "policy",
        automatic: true,
        expiresAt: Date.UTC(2026, 0, 31),
      },
      1000,
    );
    const m = buildSlackMessage([flaky(1), q, flaky(3)], "https://fg.example/");
    expect(m.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "FlakeGuard · Web <app>", emoji: true },
    });
    const texts = m.blocks
      .slice(1)
      .map((b) => (b.text as { text: string } | undefined)?.text ?? JSON.stringify(b.elements));
    expect(texts[0]).toBe("*:large_yellow_circle: 2 tests became flaky*");
    expect(texts[1]).toContain("<https://fg.example/projects/web/tests/t1|app.Suite › case 1 &amp; more>");
    expect(texts[1]).toContain("healthy → *flaky*: failed 2 of 20 runs (10%), flakiness score 0.42");
    expect(texts[3]).toBe("*:no_entry_sign: 1 test quarantined*");
    expect(texts[4]).toContain("automatically, until 2026-01-31: flaky (score 0.42)");
    expect(texts[5]).toContain("<https://fg.example/projects/web|Open Web &lt;app&gt; in FlakeGuard>");
    expect(m.text).toBe("FlakeGuard · Web <app>: 2 tests became flaky, 1 test quarantined");
  });

  it("never passes Slack's 50 blocks: the overflow becomes one '… and N more' line", () => {
    const events = Array.from({ length: 120 }, (_, i) => flaky(i));
    const m = buildSlackMessage(events, "https://fg.example");
    expect(m.blocks).toHaveLength(MAX_BLOCKS);
    const more = m.blocks[m.blocks.length - 2] as { elements: { text: string }[] };
    expect(more.elements[0].text).toMatch(
      /^… and 74 more changes: <https:\/\/fg\.example\/projects\/web\|see FlakeGuard>$/,
    );
    const lines = m.blocks.filter((b) => b.type === "section" && (b.text as { text: string }).text.includes("tests/t"));
    expect(lines.length + 74).toBe(120); // every event is either a line or counted in the note
  });

  it("names tests in bold without links when no public URL is configured", () => {
    const m = buildSlackMessage([flaky(1)], undefined);
    expect(JSON.stringify(m.blocks)).not.toContain("http");
    expect((m.blocks[2].text as { text: string }).text).toMatch(/^\*app\.Suite › case 1 &amp; more\*/);
  });

  it("renders a digest with counts, the flakiest tests and a link", () => {
    const digest: NotificationEvent = {
      type: "digest",
      key: "digest:p1:2026-01-02",
      occurredAt: 0,
      project,
      digest: {
        day: "2026-01-02",
        counts: { flaky: 3, broken: 1, quarantined: 2, tests: 40 },
        topFlaky: [{ ...test(1), score: 0.5, failureRate: 0.2 }],
      },
    };
    const m = buildSlackMessage([digest], "https://fg.example");
    expect(m.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(JSON.stringify(m.blocks)).toContain("*Flaky*\\n3");
    expect(JSON.stringify(m.blocks)).toContain(
      "1. <https://fg.example/projects/web/tests/t1|app.Suite › case 1 &amp; more>: score 0.50, 20% failed",
    );
    expect(m.text).toContain("daily digest for 2026-01-02");
  });

  it("escapes mrkdwn control characters", () => {
    expect(escapeMrkdwn("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
  });
});

describe("verdictEvents", () => {
  it("keys a change by the history it was computed from, so recomputing it finds the same key", () => {
    const c = {
      from: "healthy" as const,
      to: "flaky" as const,
      score: 0.4,
      failureRate: 0.1,
      runs: 20,
      failures: 2,
      lastFailureAt: 5,
    };
    const a = verdictEvents(project, test(1), c, 1000);
    const b = verdictEvents(project, test(1), c, 9999);
    expect(a.map((e) => e.key)).toEqual(b.map((e) => e.key));
    expect(a.map((e) => e.type)).toEqual(["verdict.changed", "test.flaky"]);
  });

  it("says nothing about a first healthy verdict or an unchanged one", () => {
    const c = { score: 0, failureRate: 0, runs: 3, failures: 0, lastFailureAt: null };
    expect(verdictEvents(project, test(1), { ...c, from: null, to: "healthy" }, 0)).toEqual([]);
    expect(verdictEvents(project, test(1), { ...c, from: "new", to: "healthy" }, 0)).toEqual([]);
    expect(verdictEvents(project, test(1), { ...c, from: "flaky", to: "flaky" }, 0)).toEqual([]);
    expect(verdictEvents(project, test(1), { ...c, from: null, to: "broken" }, 0).map((e) => e.type)).toEqual([
      "verdict.changed",
      "test.broken",
    ]);
  });

  it("tells a new cluster in one line with its explanation and members, not one line per member", () => {
    const cluster = clusterEvent(
      project,
      {
        id: "c1",
        size: 12,
        text: "12 tests in 5 suites failed together in 9 of the 11 reports",
        tests: [1, 2, 3].map(test),
      },
      1000,
    );
    const m = buildSlackMessage([cluster], "https://fg.example");
    expect(m.text).toBe("FlakeGuard · Web <app>: 1 new cluster of flaky tests that fail together");
    const lines = JSON.stringify(m.blocks);
    expect(lines).toContain("<https://fg.example/projects/web/clusters/c1|*12 flaky tests fail together*>");
    expect(lines).toContain("12 tests in 5 suites failed together in 9 of the 11 reports");
    expect(lines).toContain("<https://fg.example/projects/web/tests/t2|app.Suite › case 2 &amp; more>");
    expect(lines).toContain("… and 9 more");
    expect(cluster.key).toBe("cluster.found:c1");
  });
});
