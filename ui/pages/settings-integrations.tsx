// Settings → Integrations: a project's integration settings (GitHub checks, Slack, webhooks) as the
// server describes them, edited as JSON; an empty state when the server has none.
import { useState } from "preact/hooks";
import { get, isMissingRoute, request, seg } from "../api.ts";
import { Empty, ErrorNote, Loading } from "../components/bits.tsx";
import { useData } from "../data.ts";
import type { Project } from "../types.ts";

/** The integrations tab. */
export function Integrations({ admin }: { admin: boolean }) {
  const projects = useData(() => get<{ projects: Project[] }>("/api/v1/projects"), []);
  const [slug, setSlug] = useState<string | null>(null);
  const current = slug ?? projects.data?.projects[0]?.slug;
  const settings = useData(async () => {
    if (!current) return undefined;
    try {
      return await get<Record<string, unknown>>(`/api/v1/projects/${seg(current)}/integrations`);
    } catch (e) {
      if (isMissingRoute(e)) return null;
      throw e;
    }
  }, [current]);
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  if (!projects.data) return projects.error ? <ErrorNote error={projects.error} /> : <Loading />;
  if (!current) return <Empty>Create a project first.</Empty>;
  const save = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    setSaved(false);
    try {
      await request("PUT", `/api/v1/projects/${seg(current)}/integrations`, JSON.parse(text ?? "{}"));
      setSaved(true);
      settings.reload();
    } catch (e) {
      setProblem(e as Error);
    }
  };
  return (
    <>
      <label class="inline">Project
        <select value={current} onChange={(e) => { setSlug((e.target as HTMLSelectElement).value); setText(null); }}>
          {projects.data.projects.map((p) => <option key={p.slug} value={p.slug}>{p.slug}</option>)}
        </select>
      </label>
      <ErrorNote error={settings.error} />
      {settings.data === null && <Empty>No integrations on this server yet (GitHub checks, Slack and webhooks come with the integrations release).</Empty>}
      {settings.data && (
        <form class="card stack" style="max-width: none" onSubmit={save}>
          <label for="integrations-json">Integration settings (JSON)</label>
          <textarea id="integrations-json" rows={14} disabled={!admin} value={text ?? JSON.stringify(settings.data, null, 2)}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          {admin && <button type="submit" class="primary">Save integrations</button>}
          {saved && <span class="ok" role="status">Saved.</span>}
          <ErrorNote error={problem} />
        </form>
      )}
    </>
  );
}
