/**
 * Issues for flaky tests: one per test (labelled), reopened when it flakes again within the reopen
 * period, closed once its quarantine is released; several tests of one suite turning flaky together
 * share one issue.
 */
import type { Store } from "../store/index.ts";
import type { GitHubObject } from "../store/github.ts";
import type { GitHubClient } from "./client.ts";
import { testLabel } from "./markdown.ts";

const DAY = 86_400_000;
/** Labels on every issue we open (GitHub creates a missing label on first use). */
export const ISSUE_LABELS = { flaky: ["flakeguard", "flaky-test"], failing: ["flakeguard", "test-failure"] } as const;

/** A test to open an issue for. */
export interface IssueTest {
  testId: string;
  suite: string;
  name: string;
  file: string;
  /** flaky: known flaky; failing: a new failure someone asked an issue for. */
  reason: "flaky" | "failing";
  message?: string | null;
}

/** Issue settings. */
export interface IssueOptions {
  reopenDays: number;
  groupMin: number;
  /** Where the failure was seen (a workflow run link), for the issue text. */
  seenAt?: string;
}

const keyOf = (testId: string) => `test:${testId}`;
const marker = (testId: string) => `<!-- flakeguard:test:${testId} -->`;

/** Opens (or reopens) issues for `tests`; tests with an open issue are left alone. Returns the issue numbers touched. */
export async function openIssues(
  client: GitHubClient,
  store: Store,
  repo: string,
  tests: IssueTest[],
  o: IssueOptions,
  now: number,
): Promise<{ opened: string[]; reopened: string[] }> {
  const out = { opened: [] as string[], reopened: [] as string[] };
  const fresh: IssueTest[] = [];
  for (const t of dedupe(tests)) {
    const known = await store.github.getObject(repo, "issue", keyOf(t.testId));
    if (known?.state === "open") continue;
    const closedAt = Number(known?.data.closedAt ?? 0);
    if (known && now - closedAt <= o.reopenDays * DAY) {
      if (!out.reopened.includes(known.number)) {
        await client.request("PATCH", `/repos/${repo}/issues/${known.number}`, { state: "open" });
        await client.request("POST", `/repos/${repo}/issues/${known.number}/comments`, {
          body: `${marker(t.testId)}\n\`${testLabel(t)}\` flaked again${o.seenAt ? ` in ${o.seenAt}` : ""}; reopening.`,
        });
        out.reopened.push(known.number);
      }
      await save(store, repo, known.number, t, { ...known.data, openedAt: now, closedAt: null }, now);
    } else {
      fresh.push(t);
    }
  }
  const bySuite = new Map<string, IssueTest[]>();
  for (const t of fresh) bySuite.set(t.suite, [...(bySuite.get(t.suite) ?? []), t]);
  for (const [suite, group] of bySuite) {
    const batches = group.length >= o.groupMin ? [group] : group.map((t) => [t]);
    for (const batch of batches) {
      const number = await createIssue(client, repo, batch, batch.length > 1 ? suite : undefined, o);
      for (const t of batch)
        await save(
          store,
          repo,
          number,
          t,
          { testId: t.testId, openedAt: now, closedAt: null, group: batch.length > 1 ? suite : null },
          now,
        );
      out.opened.push(number);
    }
  }
  return out;
}

/** Closes the open issues whose tests have all been released from quarantine since the issue was opened. */
export async function closeReleasedIssues(
  client: GitHubClient,
  store: Store,
  repo: string,
  now: number,
): Promise<string[]> {
  const open = (await store.github.listObjects(repo, "issue")).filter((o) => o.state === "open");
  if (open.length === 0) return [];
  const ids = open.map((o) => String(o.data.testId));
  const [releases, active] = await Promise.all([store.quarantine.lastReleases(ids), store.quarantine.activeFor(ids)]);
  const released = (o: GitHubObject) => {
    const id = String(o.data.testId);
    return !active.has(id) && (releases.get(id) ?? -1) >= Number(o.data.openedAt ?? 0);
  };
  const byNumber = new Map<string, GitHubObject[]>();
  for (const o of open) byNumber.set(o.number, [...(byNumber.get(o.number) ?? []), o]);
  const closed: string[] = [];
  for (const [number, objects] of byNumber) {
    if (!objects.every(released)) continue;
    await client.request("POST", `/repos/${repo}/issues/${number}/comments`, {
      body: `Released from quarantine: ${objects.length === 1 ? "the test is" : "the tests are"} passing steadily again. Closing.`,
    });
    await client.request("PATCH", `/repos/${repo}/issues/${number}`, { state: "closed", state_reason: "completed" });
    for (const o of objects)
      await store.github.saveObject({ ...o, state: "closed", data: { ...o.data, closedAt: now } }, now);
    closed.push(number);
  }
  return closed;
}

function dedupe(tests: IssueTest[]): IssueTest[] {
  return [...new Map(tests.map((t) => [t.testId, t])).values()];
}

async function createIssue(
  client: GitHubClient,
  repo: string,
  tests: IssueTest[],
  suite: string | undefined,
  o: IssueOptions,
): Promise<string> {
  const reason = tests.every((t) => t.reason === "flaky") ? "flaky" : "failing";
  const title = suite
    ? `${tests.length} ${reason === "flaky" ? "flaky tests" : "failing tests"} in ${suite}`
    : `${reason === "flaky" ? "Flaky test" : "Failing test"}: ${testLabel(tests[0])}`;
  const body = [
    ...tests.map((t) => marker(t.testId)),
    suite
      ? `These tests of \`${suite}\` turned ${reason} together:`
      : `\`${testLabel(tests[0])}\` is ${reason === "flaky" ? "flaky: it fails and passes on the same code" : "failing"}.`,
    "",
    ...tests.map(
      (t) =>
        `- \`${testLabel(t)}\`${t.file ? ` (${t.file})` : ""}${t.message ? `: ${t.message.replace(/\s+/g, " ").slice(0, 200)}` : ""}`,
    ),
    "",
    o.seenAt ? `Seen in ${o.seenAt}.` : "",
    "FlakeGuard closes this issue when the test is released from quarantine.",
  ].join("\n");
  const res = await client.request<{ number: number }>("POST", `/repos/${repo}/issues`, {
    title: title.slice(0, 250),
    body,
    labels: [...ISSUE_LABELS[reason]],
  });
  return String(res.data.number);
}

async function save(
  store: Store,
  repo: string,
  number: string,
  t: IssueTest,
  data: Record<string, unknown>,
  now: number,
): Promise<void> {
  await store.github.saveObject(
    {
      repo,
      kind: "issue",
      key: keyOf(t.testId),
      number,
      state: "open",
      bodyHash: null,
      data: { ...data, testId: t.testId },
    },
    now,
  );
}
