// Settings → Tokens: list (prefix, scope, project, last use), create (secret shown once), revoke.
import { useState } from "preact/hooks";
import { get, getOptional, request, seg } from "../../api.ts";
import { Ago, Empty, ErrorNote, Loading } from "../../components/bits.tsx";
import { CopyBlock } from "../../components/copy.tsx";
import { useData } from "../../data.ts";
import type { Project } from "../../types.ts";

interface Token {
  id: string;
  scope: string;
  prefix: string;
  project: string | null;
  name: string;
  createdAt: string | null;
  lastUsedAt: string | null;
}

/** The tokens tab. */
export function Tokens({ admin }: { admin: boolean }) {
  const { data, error, reload } = useData(async () => {
    const [tokens, projects] = await Promise.all([
      getOptional<{ tokens: Token[] } | null>("/api/v1/tokens", null),
      get<{ projects: Project[] }>("/api/v1/projects"),
    ]);
    return { tokens: tokens?.tokens ?? null, projects: projects.projects };
  }, []);
  const [issued, setIssued] = useState<{ token: string; name: string } | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  if (!admin) return <Empty>Only admins manage tokens.</Empty>;
  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  const create = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setProblem(null);
    try {
      const name = String(form.get("name") ?? "").trim() || undefined;
      const body = { scope: String(form.get("scope")), name };
      const t = await request<{ token: string; name: string }>(
        "POST",
        `/api/v1/projects/${seg(String(form.get("project")))}/tokens`,
        body,
      );
      setIssued(t);
      reload();
    } catch (e) {
      setProblem(e as Error);
    }
  };
  const revoke = async (t: Token) => {
    if (!confirm(`Revoke ${t.name} (${t.prefix}…)? CI using it will be refused.`)) return;
    try {
      await request("DELETE", `/api/v1/tokens/${seg(t.id)}`);
      reload();
    } catch (e) {
      setProblem(e as Error);
    }
  };
  return (
    <>
      <ErrorNote error={problem} />
      {data.tokens === null ? (
        <Empty>This server cannot list tokens yet; new ones can still be created below.</Empty>
      ) : data.tokens.length === 0 ? (
        <Empty>No tokens.</Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Prefix</th>
                <th>Scope</th>
                <th class="hide-small">Created</th>
                <th>Last used</th>
                <th>
                  <span class="muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>
                    {t.scope}
                    {t.project && <span class="sub">{t.project}</span>}
                  </td>
                  <td class="hide-small">
                    <Ago at={t.createdAt} />
                  </td>
                  <td>
                    <Ago at={t.lastUsedAt} />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Revoke ${t.name} (${t.prefix})`}
                      onClick={() => revoke(t)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>New token</h2>
      {data.projects.length === 0 ? (
        <Empty>Create a project first.</Empty>
      ) : (
        <form class="row card" onSubmit={create}>
          <div>
            <label for="t-project">Project</label>
            <select id="t-project" name="project">
              {data.projects.map((p) => (
                <option key={p.slug} value={p.slug}>
                  {p.slug}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="t-scope">Scope</label>
            <select id="t-scope" name="scope">
              <option value="upload">upload (this project)</option>
              <option value="admin">admin (everything)</option>
            </select>
          </div>
          <div>
            <label for="t-name">Name</label>
            <input id="t-name" name="name" placeholder="CI uploads" />
          </div>
          <button type="submit" class="primary">
            Create token
          </button>
        </form>
      )}
      {issued && (
        <div class="card">
          <p>Shown this once; copy it now.</p>
          <CopyBlock label={`Token ${issued.name}`} text={issued.token} />
        </div>
      )}
    </>
  );
}
