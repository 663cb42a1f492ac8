/** Block Kit messages for Slack: changes grouped by kind in one message, never more than Slack's 50 blocks. */
import type { EventType, NotificationEvent } from "./events.ts";
import { clusterLink, uiLink } from "./links.ts";

/** Slack's limit of blocks per message. */
export const MAX_BLOCKS = 50;

/** A Block Kit block (only the fields FlakeGuard uses). */
export type Block = Record<string, unknown>;

/** A message: the notification text (fallback, push notifications) and the blocks. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const GROUPS: { type: EventType; title: (n: number) => string }[] = [
  { type: "test.broken", title: (n) => `:red_circle: ${n} ${tests(n)} became broken` },
  { type: "test.flaky", title: (n) => `:large_yellow_circle: ${n} ${tests(n)} became flaky` },
  { type: "test.quarantined", title: (n) => `:no_entry_sign: ${n} ${tests(n)} quarantined` },
  { type: "test.released", title: (n) => `:white_check_mark: ${n} ${tests(n)} released from quarantine` },
  {
    type: "verdict.changed",
    title: (n) => `:arrows_counterclockwise: ${n} ${n === 1 ? "verdict" : "verdicts"} changed`,
  },
  {
    type: "cluster.found",
    title: (n) => `:link: ${n} new ${n === 1 ? "cluster" : "clusters"} of flaky tests that fail together`,
  },
  { type: "ping", title: () => ":wave: Test message" },
];
const tests = (n: number) => (n === 1 ? "test" : "tests");

/** Escapes text for mrkdwn (&, <, > are control characters there). */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text: cut(text, 3000) } });
const context = (text: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text: cut(text, 3000) }] });
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** One line about one event's test: linked name, and why. */
function eventLine(e: NotificationEvent, publicUrl: string | undefined): string {
  if (e.type === "ping") return escapeMrkdwn(e.message ?? "FlakeGuard can post here.");
  if (e.cluster) return clusterLine(e, publicUrl);
  const t = e.test!;
  const label = escapeMrkdwn(cut(`${t.suite ? `${t.suite} › ` : ""}${t.name}`, 200));
  const link = uiLink(publicUrl, e.project.slug, t.id);
  const name = link ? `<${link}|${label}>` : `*${label}*`;
  const where = t.file ? `\n\`${escapeMrkdwn(cut(t.file, 200))}\`` : "";
  if (e.verdict) {
    const v = e.verdict;
    return `${name}${where}\n${v.from ?? "new"} → *${v.to}*: failed ${v.failures} of ${v.runs} runs (${pct(v.failureRate)}), flakiness score ${v.score.toFixed(2)}`;
  }
  if (e.quarantine) {
    const q = e.quarantine;
    const by = q.automatic ? "automatically" : `by ${escapeMrkdwn(q.decidedBy)}`;
    const until =
      e.type === "test.quarantined" && q.expiresAt ? `, until ${new Date(q.expiresAt).toISOString().slice(0, 10)}` : "";
    return `${name}${where}\n${by}${until}: ${escapeMrkdwn(cut(q.reason, 500))}`;
  }
  return name;
}

/** A cluster: what it rests on, then its first members, linked. */
function clusterLine(e: NotificationEvent, publicUrl: string | undefined): string {
  const c = e.cluster!;
  const link = clusterLink(publicUrl, e.project.slug, c.id);
  const title = `*${c.size} flaky tests fail together*`;
  const names = c.tests.map((t) => {
    const label = escapeMrkdwn(cut(`${t.suite ? `${t.suite} › ` : ""}${t.name}`, 150));
    const url = uiLink(publicUrl, e.project.slug, t.id);
    return `• ${url ? `<${url}|${label}>` : label}`;
  });
  const more = c.size > c.tests.length ? [`… and ${c.size - c.tests.length} more`] : [];
  return [link ? `<${link}|${title}>` : title, escapeMrkdwn(cut(c.text, 1000)), ...names, ...more].join("\n");
}

/** The blocks of a daily digest. */
export function digestBlocks(e: NotificationEvent, publicUrl: string | undefined): Block[] {
  const d = e.digest!;
  const link = uiLink(publicUrl, e.project.slug);
  const fields = [
    `*Flaky*\n${d.counts.flaky}`,
    `*Broken*\n${d.counts.broken}`,
    `*Quarantined*\n${d.counts.quarantined}`,
    `*Tests*\n${d.counts.tests}`,
  ].map((text) => ({ type: "mrkdwn", text }));
  const blocks: Block[] = [section(`:bar_chart: *Daily digest for ${d.day}*`), { type: "section", fields }];
  if (d.topFlaky.length > 0) {
    const lines = d.topFlaky.slice(0, 10).map((t, i) => {
      const label = escapeMrkdwn(cut(`${t.suite ? `${t.suite} › ` : ""}${t.name}`, 150));
      const url = uiLink(publicUrl, e.project.slug, t.id);
      return `${i + 1}. ${url ? `<${url}|${label}>` : label}: score ${t.score.toFixed(2)}, ${pct(t.failureRate)} failed`;
    });
    blocks.push(section(`*Flakiest tests*\n${lines.join("\n")}`));
  } else {
    blocks.push(section("No flaky tests. :tada:"));
  }
  if (link) blocks.push(context(`<${link}|Open ${escapeMrkdwn(e.project.name)} in FlakeGuard>`));
  return blocks;
}

/**
 * One message for a batch of events of one project (oldest first): a header, then one group per kind
 * (broken, flaky, quarantined, released, changed) with a line per test, then a link to the project.
 * Past MAX_BLOCKS the last lines give way to a "… and N more" note, so every event is accounted for.
 */
export function buildSlackMessage(events: NotificationEvent[], publicUrl: string | undefined): SlackMessage {
  const project = events[0].project;
  const header: Block = {
    type: "header",
    text: { type: "plain_text", text: cut(`FlakeGuard · ${project.name}`, 150), emoji: true },
  };
  const body: { block: Block; event: boolean }[] = [];
  const summary: string[] = [];
  for (const g of GROUPS) {
    const group = events.filter((e) => e.type === g.type);
    if (group.length === 0) continue;
    summary.push(g.title(group.length).replace(/^:[a-z_]+: /, ""));
    body.push({ block: section(`*${g.title(group.length)}*`), event: false });
    for (const e of group) body.push({ block: section(eventLine(e, publicUrl)), event: true });
  }
  for (const e of events.filter((x) => x.type === "digest")) {
    summary.push(`daily digest for ${e.digest!.day}`);
    for (const block of digestBlocks(e, publicUrl)) body.push({ block, event: false });
  }
  const link = uiLink(publicUrl, project.slug);
  const footer = link ? [context(`<${link}|Open ${escapeMrkdwn(project.name)} in FlakeGuard>`)] : [];
  const room = MAX_BLOCKS - 1 - footer.length;
  let kept = body;
  if (body.length > room) {
    kept = body.slice(0, room - 1);
    const dropped = body.slice(room - 1).filter((b) => b.event).length;
    kept.push({
      block: context(
        `… and ${dropped} more ${dropped === 1 ? "change" : "changes"}${link ? `: <${link}|see FlakeGuard>` : ""}`,
      ),
      event: false,
    });
  }
  const hasDigestFooter = events.length === 1 && events[0].type === "digest";
  return {
    text: cut(`FlakeGuard · ${project.name}: ${summary.join(", ")}`, 3000),
    blocks: [header, ...kept.map((b) => b.block), ...(hasDigestFooter ? [] : footer)],
  };
}
