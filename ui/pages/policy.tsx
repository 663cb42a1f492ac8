// The project's quarantine policy: a form for its keys, saved with PUT, and a preview of what it
// would have quarantined over the last 14 days.
import { useState } from "preact/hooks";
import { get, request, seg } from "../api.ts";
import { ErrorNote, Empty } from "../components/bits.tsx";
import { useData } from "../data.ts";
import { when } from "../format.ts";

type PolicyValues = Record<string, unknown>;
interface Hit {
  testId: string;
  suite: string;
  name: string;
  at: string | null;
  reason: string;
}
interface Preview {
  days: number;
  considered: number;
  wouldQuarantine: Hit[];
  overCap: Hit[];
}

const NUMBERS: [string, string][] = [
  ["threshold", "Lowest score that quarantines"],
  ["releaseRate", "Release below failure rate"],
  ["minRuns", "Runs needed"],
  ["minFailures", "Failing commits needed"],
  ["cap", "Most automatic quarantines"],
  ["expiryDays", "Expires after (days)"],
  ["vetoDays", "No re-quarantine after a release (days)"],
  ["lookbackDays", "Look back (days)"],
];

function read(form: HTMLFormElement, base: PolicyValues): PolicyValues {
  const data = new FormData(form);
  const policy: PolicyValues = { ...base, autoQuarantine: data.get("autoQuarantine") === "on", mode: data.get("mode") };
  for (const [key] of NUMBERS) policy[key] = Number(data.get(key));
  const list = (name: string) =>
    String(data.get(name) ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  policy.branches = list("branches");
  policy.exempt = list("exempt");
  return policy;
}

/** The policy form of a project (read-only unless admin). */
export function PolicyForm({ slug, admin }: { slug: string; admin: boolean }) {
  const base = `/api/v1/projects/${seg(slug)}/policy`;
  const { data, error, reload } = useData(() => get<{ policy: PolicyValues; updatedBy: string | null }>(base), [slug]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  if (!data) return <ErrorNote error={error} />;
  const p = data.policy;
  const run = async (event: Event, save: boolean) => {
    event.preventDefault();
    const form = (event.target as HTMLElement).closest("form")!;
    setProblem(null);
    setSaved(false);
    try {
      const policy = read(form, p);
      if (save) {
        await request("PUT", base, policy);
        setSaved(true);
        reload();
      } else setPreview(await request<Preview>("POST", `${base}/preview`, { policy }));
    } catch (e) {
      setProblem(e as Error);
    }
  };
  return (
    <section aria-labelledby="policy-title">
      <h2 id="policy-title">Policy</h2>
      <form class="card" onSubmit={(e) => run(e, true)}>
        <fieldset disabled={!admin} class="bare">
          <label class="inline">
            <input type="checkbox" name="autoQuarantine" checked={Boolean(p.autoQuarantine)} /> Quarantine flaky tests
            automatically
          </label>
          <div class="cards spaced">
            {NUMBERS.map(([key, label]) => (
              <div key={key}>
                <label for={`policy-${key}`}>{label}</label>
                <input id={`policy-${key}`} name={key} type="number" step="any" value={String(p[key] ?? "")} />
              </div>
            ))}
            <div>
              <label for="policy-mode">Mode</label>
              <select id="policy-mode" name="mode" value={String(p.mode)}>
                <option value="mute">mute</option>
                <option value="skip">skip</option>
              </select>
            </div>
            <div>
              <label for="policy-branches">Branches (globs, comma-separated; empty: all)</label>
              <input id="policy-branches" name="branches" value={((p.branches as string[]) ?? []).join(", ")} />
            </div>
            <div>
              <label for="policy-exempt">Never quarantine (globs)</label>
              <input id="policy-exempt" name="exempt" value={((p.exempt as string[]) ?? []).join(", ")} />
            </div>
          </div>
        </fieldset>
        <div class="toolbar">
          <button type="button" onClick={(e) => run(e, false)}>
            Preview
          </button>
          {admin && (
            <button type="submit" class="primary">
              Save policy
            </button>
          )}
          {saved && (
            <span class="ok" role="status">
              Saved.
            </span>
          )}
        </div>
        <ErrorNote error={problem} />
      </form>
      {preview && (
        <div class="card" role="region" aria-label="Policy preview">
          <p>
            Over the last {preview.days} days, of {preview.considered} tests considered, this policy would quarantine{" "}
            {preview.wouldQuarantine.length}
            {preview.overCap.length > 0 && ` (and ${preview.overCap.length} more beyond the cap)`}.
          </p>
          {preview.wouldQuarantine.length === 0 ? (
            <Empty>Nothing would be quarantined.</Empty>
          ) : (
            <ul>
              {preview.wouldQuarantine.map((h) => (
                <li key={h.testId}>
                  <a href={`/projects/${seg(slug)}/tests/${seg(h.testId)}`}>{h.name}</a>
                  <span class="muted">
                    {" "}
                    — {h.reason} ({when(h.at)})
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
