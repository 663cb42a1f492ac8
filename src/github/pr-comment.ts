/** One FlakeGuard comment per pull request, found by a hidden marker and edited in place; nothing sent when it would not change. */
import { createHash } from "node:crypto";
import type { RunVerdict } from "../act/run-verdict.ts";
import type { GitHubStore } from "../store/github.ts";
import { GitHubError, type GitHubClient } from "./client.ts";
import { failureTable } from "./markdown.ts";

/** The hidden marker that identifies our comment among a PR's comments. */
export const COMMENT_MARKER = "<!-- flakeguard -->";

/**
 * The comment for a pull request's latest run, or undefined when there is nothing to say (no failures).
 * It names no commit or run, so a push with the same outcome renders the same body and sends nothing.
 */
export function renderPrComment(v: RunVerdict): string | undefined {
  if (v.failures.length === 0) return undefined;
  const s = v.summary;
  const head =
    v.blocking > 0
      ? `**${v.blocking} new failure${v.blocking === 1 ? "" : "s"}** that look like real breaks`
      : "**No new failures**: every failure is flaky, quarantined or part of an infrastructure incident";
  return [
    COMMENT_MARKER,
    "### FlakeGuard",
    `${head}. Flaky: ${s["known-flaky"]}, quarantined: ${s.quarantined}, incidents: ${s.incident}.`,
    "",
    failureTable(v.failures, false),
  ].join("\n");
}

/** What an existing comment becomes when the latest run has no failures. */
export const ALL_CLEAR = `${COMMENT_MARKER}\n### FlakeGuard\n✅ No failures in the latest run.`;

/** What publishing did. */
export type CommentOutcome = "created" | "updated" | "unchanged" | "skipped";

/** Creates or updates the PR's comment. `body` undefined: an existing comment is updated to say all is clear, none is created. */
export async function publishPrComment(
  client: GitHubClient,
  store: GitHubStore,
  repo: string,
  pr: number,
  body: string | undefined,
  now: number,
): Promise<CommentOutcome> {
  const key = String(pr);
  const stored = await store.getObject(repo, "pr_comment", key);
  if (body === undefined) {
    if (!stored) return "skipped";
    body = ALL_CLEAR;
  }
  const hash = createHash("sha256").update(body).digest("hex");
  if (stored?.bodyHash === hash) return "unchanged";
  const done = await upsertComment(client, repo, pr, body, stored?.number);
  if (done.id)
    await store.saveObject(
      { repo, kind: "pr_comment", key, number: done.id, state: "posted", bodyHash: hash, data: { pr } },
      now,
    );
  return done.outcome;
}

/**
 * Store-free: edits the comment `knownId` (or the PR's comment carrying the marker) to `body`, or
 * posts one when there is none; `body` undefined (no failures) only turns an existing comment all-clear.
 * The CLI's token mode uses it directly.
 */
export async function upsertComment(
  client: GitHubClient,
  repo: string,
  pr: number,
  body: string | undefined,
  knownId?: string,
): Promise<{ id: string | undefined; outcome: CommentOutcome }> {
  let id = knownId;
  if (!id) {
    const found = await findComment(client, repo, pr);
    if (!found && body === undefined) return { id: undefined, outcome: "skipped" };
    body ??= ALL_CLEAR;
    if (found?.body === body) return { id: found.id, outcome: "unchanged" };
    id = found?.id;
  }
  body ??= ALL_CLEAR;
  if (id) {
    try {
      await client.request("PATCH", `/repos/${repo}/issues/comments/${id}`, { body });
      return { id, outcome: "updated" };
    } catch (e) {
      if (!(e instanceof GitHubError && e.status === 404)) throw e; // 404: someone deleted it, post a new one
    }
  }
  const created = await client.request<{ id: number }>("POST", `/repos/${repo}/issues/${pr}/comments`, { body });
  return { id: String(created.data.id), outcome: "created" };
}

async function findComment(
  client: GitHubClient,
  repo: string,
  pr: number,
): Promise<{ id: string; body: string } | undefined> {
  const comments = await client.paginate<{ id: number; body?: string }>(`/repos/${repo}/issues/${pr}/comments`);
  const ours = comments.find((c) => c.body?.startsWith(COMMENT_MARKER));
  return ours ? { id: String(ours.id), body: ours.body ?? "" } : undefined;
}
