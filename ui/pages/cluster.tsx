// Cluster: flaky tests that fail together — the explanation, its members, and quarantine or release of all
// of them at once with one reason and owner.
import { useState } from "preact/hooks";
import { get, request, seg } from "../api.ts";
import { Badge, Empty, ErrorNote, Loading, Page } from "../components/bits.tsx";
import { useData } from "../data.ts";
import { useLive } from "../live.ts";
import type { Cluster } from "../types.ts";

/** The cluster page. */
export function ClusterPage({ slug, id, canChange }: { slug: string; id: string; canChange: boolean }) {
  const path = `/api/v1/projects/${seg(slug)}/clusters/${seg(id)}`;
  const { data, error, reload } = useData(() => get<Cluster>(path), [path]);
  useLive(slug, reload);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Error | null>(null);
  const [done, setDone] = useState("");
  const act = (event: Event, action: "quarantine" | "release") => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const body =
      action === "quarantine" ? { reason: text("reason"), owner: text("owner") || null } : { reason: text("reason") };
    setBusy(true);
    setFailure(null);
    request<{ changed: string[] }>("POST", `${path}/${action}`, body)
      .then((r) => {
        setDone(`${action === "quarantine" ? "Quarantined" : "Released"} ${r.changed.length} tests.`);
        reload();
      })
      .catch((e: Error) => setFailure(e))
      .finally(() => setBusy(false));
  };
  const held = data?.tests.filter((t) => t.quarantined).length ?? 0;
  return (
    <Page title="Cluster" sub={data && `${data.tests.length} flaky tests that fail together`}>
      <ErrorNote error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <p class="card" id="cluster-text">
            {data.evidence.text}
          </p>
          <h2>Tests</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Test</th>
                  <th>Verdict</th>
                </tr>
              </thead>
              <tbody>
                {data.tests.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <a href={`/projects/${seg(slug)}/tests/${seg(t.id)}`}>{t.name}</a>
                      <span class="sub">{t.suite}</span>
                    </td>
                    <td>
                      {t.status && <Badge status={t.status} />} {t.quarantined && <Badge status="quarantined" />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>All at once</h2>
          {!canChange && <Empty>Members and admins can quarantine or release a cluster.</Empty>}
          {canChange && (
            <section class="card" aria-label="Quarantine or release every test of the cluster">
              <ErrorNote error={failure} />
              {done && <p role="status">{done}</p>}
              {held < data.tests.length && (
                <form onSubmit={(e) => act(e, "quarantine")}>
                  <label>
                    Reason
                    <input name="reason" required maxLength={2000} placeholder="the shared cause" />
                  </label>
                  <label>
                    Owner
                    <input name="owner" maxLength={200} placeholder="team or person" />
                  </label>
                  <button type="submit" disabled={busy}>
                    Quarantine {data.tests.length - held} tests
                  </button>
                </form>
              )}
              {held > 0 && (
                <form onSubmit={(e) => act(e, "release")}>
                  <label>
                    Reason for release
                    <input name="reason" required maxLength={2000} placeholder="the cause is fixed" />
                  </label>
                  <button type="submit" disabled={busy}>
                    Release {held} tests
                  </button>
                </form>
              )}
            </section>
          )}
        </>
      )}
    </Page>
  );
}
