// Settings → Deliveries: every notification of a project (Slack, webhooks) and where it is — pending a
// retry, sent, failed — with its attempts and the receiver's last answer; filter by state, page on.
import { useState } from "preact/hooks";
import { get, isMissingRoute, seg } from "../../api.ts";
import { Ago, Badge, Empty, ErrorNote, Loading } from "../../components/bits.tsx";
import { useData } from "../../data.ts";
import type { Project } from "../../types.ts";

interface Delivery {
  id: string;
  channel: string;
  eventType: string;
  status: "pending" | "sending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string | null;
  sentAt: string | null;
  test: { id: string; suite: string; name: string } | null;
}

interface Page {
  deliveries: Delivery[];
  counts: Record<string, number>;
  nextCursor: string | null;
}

const STATES = ["", "pending", "sending", "sent", "failed"];

/** The deliveries tab. */
export function Deliveries() {
  const projects = useData(() => get<{ projects: Project[] }>("/api/v1/projects"), []);
  const [slug, setSlug] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const [pages, setPages] = useState<string[]>([""]);
  const current = slug ?? projects.data?.projects[0]?.slug;
  const list = useData(async () => {
    if (!current) return undefined;
    const base = `/api/v1/projects/${seg(current)}/deliveries?limit=50${status ? `&status=${status}` : ""}`;
    try {
      const loaded = await Promise.all(
        pages.map((cursor) => get<Page>(cursor ? `${base}&cursor=${seg(cursor)}` : base)),
      );
      return {
        counts: loaded[0].counts,
        rows: loaded.flatMap((p) => p.deliveries),
        next: loaded[loaded.length - 1].nextCursor,
      };
    } catch (e) {
      if (isMissingRoute(e)) return null;
      throw e;
    }
  }, [current, status, pages.join(",")]);
  if (!projects.data) return projects.error ? <ErrorNote error={projects.error} /> : <Loading />;
  if (!current) return <Empty>Create a project first.</Empty>;
  const data = list.data;
  return (
    <>
      <div class="toolbar">
        <label class="inline">
          Project
          <select
            value={current}
            onChange={(e) => {
              setSlug((e.target as HTMLSelectElement).value);
              setPages([""]);
            }}
          >
            {projects.data.projects.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.slug}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          State
          <select
            value={status}
            onChange={(e) => {
              setStatus((e.target as HTMLSelectElement).value);
              setPages([""]);
            }}
          >
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s || "all"}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => list.reload()}>
          Refresh
        </button>
      </div>
      <ErrorNote error={list.error} />
      {data === undefined && <Loading />}
      {data === null && <Empty>This server has no notifications yet.</Empty>}
      {data && (
        <p class="muted">
          {Object.entries(data.counts)
            .map(([s, n]) => `${n} ${s}`)
            .join(" · ")}
        </p>
      )}
      {data && data.rows.length === 0 && (
        <Empty>
          No notifications{status ? ` ${status}` : ""} for {current}.
        </Empty>
      )}
      {data && data.rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Queued</th>
                <th>Event</th>
                <th class="hide-small">Test</th>
                <th>Channel</th>
                <th>State</th>
                <th>Attempts</th>
                <th class="hide-small">Last answer</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Ago at={d.createdAt} />
                  </td>
                  <td>{d.eventType}</td>
                  <td class="hide-small">
                    {d.test ? <a href={`/projects/${seg(current)}/tests/${seg(d.test.id)}`}>{d.test.name}</a> : "–"}
                  </td>
                  <td>{d.channel}</td>
                  <td>
                    <Badge status={d.status} />
                    {d.status === "pending" && d.nextAttemptAt && d.attempts > 0 && (
                      <>
                        {" "}
                        <span class="muted">
                          retry <Ago at={d.nextAttemptAt} />
                        </span>
                      </>
                    )}
                    {d.status === "sent" && d.sentAt && (
                      <>
                        {" "}
                        <span class="muted">
                          <Ago at={d.sentAt} />
                        </span>
                      </>
                    )}
                  </td>
                  <td>{d.attempts}</td>
                  <td class="hide-small">{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : "–")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.next && (
        <button type="button" onClick={() => setPages([...pages, data.next!])}>
          More
        </button>
      )}
    </>
  );
}
