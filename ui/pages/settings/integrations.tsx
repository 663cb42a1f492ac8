// Settings → Integrations: a project's Slack channels and webhooks — list, add, enable/disable, send a
// test message, remove; an empty state when the server has no integrations API.
import { useState } from "preact/hooks";
import { get, isMissingRoute, request, seg } from "../../api.ts";
import { Empty, ErrorNote, Loading } from "../../components/bits.tsx";
import { CopyBlock } from "../../components/copy.tsx";
import { useData } from "../../data.ts";
import type { Project } from "../../types.ts";

interface Integration {
  id: string;
  kind: string;
  name: string;
  config: Record<string, unknown>;
  events: string[];
  enabled: boolean;
}

const EVENTS = [
  "test.flaky",
  "test.broken",
  "test.quarantined",
  "test.released",
  "verdict.changed",
  "cluster.found",
  "digest",
];

function AddForm({ base, onAdded }: { base: string; onAdded: (created: Integration) => void }) {
  const [kind, setKind] = useState("slack");
  const [problem, setProblem] = useState<Error | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const url = String(form.get("url") ?? "").trim();
    setProblem(null);
    try {
      const created = await request<Integration>("POST", base, {
        kind,
        name: String(form.get("name") ?? "").trim() || kind,
        config: kind === "slack" ? { webhookUrl: url } : { url },
        events: EVENTS.filter((e) => form.get(`event-${e}`) === "on"),
      });
      onAdded(created);
    } catch (e) {
      setProblem(e as Error);
    }
  };
  return (
    <form class="card stack" onSubmit={submit}>
      <label for="i-kind">Kind</label>
      <select id="i-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
        <option value="slack">Slack (incoming webhook)</option>
        <option value="webhook">Webhook (signed JSON)</option>
      </select>
      <label for="i-name">Name</label>
      <input id="i-name" name="name" placeholder="#ci-flaky" />
      <label for="i-url">{kind === "slack" ? "Slack webhook URL" : "Webhook URL"}</label>
      <input id="i-url" name="url" type="url" required placeholder="https://…" />
      <fieldset>
        <legend>Events</legend>
        {EVENTS.map((e) => (
          <label class="inline" key={e}>
            <input type="checkbox" name={`event-${e}`} checked={e !== "verdict.changed"} /> {e}
          </label>
        ))}
      </fieldset>
      <ErrorNote error={problem} />
      <button type="submit" class="primary">
        Add integration
      </button>
    </form>
  );
}

/** The integrations tab. */
export function Integrations({ admin }: { admin: boolean }) {
  const projects = useData(() => get<{ projects: Project[] }>("/api/v1/projects"), []);
  const [slug, setSlug] = useState<string | null>(null);
  const current = slug ?? projects.data?.projects[0]?.slug;
  const base = current ? `/api/v1/projects/${seg(current)}/integrations` : "";
  const list = useData(async () => {
    if (!base) return undefined;
    try {
      return (await get<{ integrations: Integration[] }>(base)).integrations;
    } catch (e) {
      if (isMissingRoute(e)) return null;
      throw e;
    }
  }, [base]);
  const [created, setCreated] = useState<Integration | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const [note, setNote] = useState("");
  if (!projects.data) return projects.error ? <ErrorNote error={projects.error} /> : <Loading />;
  if (!current) return <Empty>Create a project first.</Empty>;
  const act = async (fn: () => Promise<unknown>, done = "") => {
    setProblem(null);
    setNote("");
    try {
      await fn();
      setNote(done);
      list.reload();
    } catch (e) {
      setProblem(e as Error);
    }
  };
  return (
    <>
      <label class="inline">
        Project
        <select value={current} onChange={(e) => setSlug((e.target as HTMLSelectElement).value)}>
          {projects.data.projects.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.slug}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={list.error ?? problem} />
      {note && (
        <p class="ok" role="status">
          {note}
        </p>
      )}
      {list.data === null && (
        <Empty>
          This server has no integrations yet (Slack, webhooks and GitHub checks come with the integrations release).
        </Empty>
      )}
      {list.data && list.data.length === 0 && (
        <Empty>No integrations for {current}: nobody is told when a test turns flaky.</Empty>
      )}
      {list.data && list.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th class="hide-small">Events</th>
                <th>Enabled</th>
                <th>
                  <span class="muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((i) => (
                <tr key={i.id}>
                  <td>{i.name}</td>
                  <td>{i.kind}</td>
                  <td class="hide-small">{i.events.join(", ")}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${i.name} enabled`}
                      checked={i.enabled}
                      disabled={!admin}
                      onChange={() => act(() => request("PATCH", `${base}/${seg(i.id)}`, { enabled: !i.enabled }))}
                    />
                  </td>
                  <td class="toolbar">
                    <button
                      type="button"
                      disabled={!admin || !i.enabled}
                      onClick={() => act(() => request("POST", `${base}/${seg(i.id)}/test`), "Test message queued.")}
                    >
                      Send test
                    </button>
                    <button
                      type="button"
                      class="danger"
                      disabled={!admin}
                      aria-label={`Remove ${i.name}`}
                      onClick={() =>
                        confirm(`Remove ${i.name}?`) && act(() => request("DELETE", `${base}/${seg(i.id)}`))
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {created && typeof created.config.secret === "string" && (
        <div class="card">
          <p>The webhook's signing secret, shown this once:</p>
          <CopyBlock label="Webhook secret" text={created.config.secret} />
        </div>
      )}
      {admin && list.data && (
        <>
          <h2>Add an integration</h2>
          <AddForm
            base={base}
            onAdded={(i) => {
              setCreated(i);
              list.reload();
            }}
          />
        </>
      )}
    </>
  );
}
