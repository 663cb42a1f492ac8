// Quarantine: the active list (reason, owner, since, expiry, mode) with bulk release, and the policy
// form with a preview of what it would quarantine.
import { useState } from "preact/hooks";
import { get, request, seg } from "../../api.ts";
import { Ago, Empty, ErrorNote, Loading, Page } from "../../components/bits.tsx";
import { useData } from "../../data.ts";
import { useLive } from "../../live.ts";
import type { QuarantineEntry } from "../../types.ts";
import { PolicyForm } from "../policy.tsx";

/** The quarantine page of a project. */
export function QuarantinePage({ slug, canChange, admin }: { slug: string; canChange: boolean; admin: boolean }) {
  const base = `/api/v1/projects/${seg(slug)}`;
  const { data, error, reload } = useData(() => get<{ tests: QuarantineEntry[] }>(`${base}/quarantine`), [slug]);
  useLive(slug, reload);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Error | null>(null);
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  const release = async () => {
    setBusy(true);
    setFailure(null);
    try {
      for (const id of picked)
        await request(
          "DELETE",
          `${base}/quarantine/${seg(id)}?reason=${encodeURIComponent("released from the web UI")}`,
        );
      setPicked(new Set());
    } catch (e) {
      setFailure(e as Error);
    } finally {
      setBusy(false);
      reload();
    }
  };
  const tests = data?.tests ?? [];
  const all = tests.length > 0 && tests.every((t) => picked.has(t.testId));
  return (
    <Page
      title={`Quarantine — ${slug}`}
      sub="Quarantined tests still run (mute) or are skipped (skip); their failures do not fail CI."
    >
      <ErrorNote error={error ?? failure} />
      {!data && !error && <Loading />}
      {data && tests.length === 0 && <Empty>No test is quarantined.</Empty>}
      {tests.length > 0 && (
        <>
          {canChange && (
            <div class="toolbar">
              <button type="button" class="danger" disabled={busy || picked.size === 0} onClick={release}>
                Release selected ({picked.size})
              </button>
            </div>
          )}
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  {canChange && (
                    <th>
                      <input
                        type="checkbox"
                        aria-label="Select all"
                        checked={all}
                        onChange={() => setPicked(all ? new Set() : new Set(tests.map((t) => t.testId)))}
                      />
                    </th>
                  )}
                  <th>Test</th>
                  <th>Reason</th>
                  <th>Owner</th>
                  <th>Since</th>
                  <th>Expires</th>
                  <th>Mode</th>
                </tr>
              </thead>
              <tbody>
                {tests.map((t) => (
                  <tr key={t.testId}>
                    {canChange && (
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select ${t.name}`}
                          checked={picked.has(t.testId)}
                          onChange={() => toggle(t.testId)}
                        />
                      </td>
                    )}
                    <td>
                      <a href={`/projects/${seg(slug)}/tests/${seg(t.testId)}`}>{t.name}</a>
                      <span class="sub">{t.suite}</span>
                    </td>
                    <td>
                      {t.reason}
                      <span class="sub">by {t.decidedBy}</span>
                    </td>
                    <td>{t.owner ?? "–"}</td>
                    <td>
                      <Ago at={t.since} />
                    </td>
                    <td>{t.expiresAt ? <Ago at={t.expiresAt} /> : "never"}</td>
                    <td>{t.mode}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <PolicyForm slug={slug} admin={admin} />
    </Page>
  );
}
