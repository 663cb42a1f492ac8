// Quarantine and release controls for one test: the state, a form (reason, owner, expiry, mode), release.
import { useState } from "preact/hooks";
import { request, seg } from "../../api.ts";
import { Ago, Badge, ErrorNote } from "../../components/bits.tsx";
import { when } from "../../format.ts";
import type { QuarantineEntry } from "../../types.ts";

/** The quarantine panel of a test page; `onChange` reloads the page's data. */
export function QuarantinePanel(props: {
  slug: string;
  testId: string;
  entry: QuarantineEntry | undefined;
  canChange: boolean;
  onChange: () => void;
}) {
  const { slug, testId, entry } = props;
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      props.onChange();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const quarantine = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const expires = text("expires");
    void act(() =>
      request("POST", `/api/v1/projects/${seg(slug)}/quarantine`, {
        testId,
        reason: text("reason"),
        owner: text("owner") || null,
        mode: text("mode") || "mute",
        ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}),
      }),
    );
  };
  const release = () =>
    act(() =>
      request(
        "DELETE",
        `/api/v1/projects/${seg(slug)}/quarantine/${seg(testId)}?reason=${encodeURIComponent("released from the web UI")}`,
      ),
    );
  return (
    <section class="card" aria-labelledby="quarantine-title">
      <h2 id="quarantine-title" class="flush">
        Quarantine
      </h2>
      {entry ? (
        <>
          <p>
            <Badge status="quarantined" /> since <Ago at={entry.since} /> ({entry.mode}:{" "}
            {entry.mode === "mute" ? "runs, failures ignored" : "not run"})
          </p>
          <dl>
            <dt>Reason</dt>
            <dd>{entry.reason}</dd>
            <dt>Owner</dt>
            <dd>{entry.owner ?? "–"}</dd>
            <dt>Decided by</dt>
            <dd>{entry.decidedBy}</dd>
            <dt>Expires</dt>
            <dd>
              {entry.expiresAt ? (
                <>
                  <Ago at={entry.expiresAt} /> ({when(entry.expiresAt)})
                </>
              ) : (
                "never"
              )}
            </dd>
          </dl>
          {props.canChange && (
            <button type="button" class="danger" disabled={busy} onClick={release}>
              Release
            </button>
          )}
        </>
      ) : props.canChange ? (
        <form class="stack" onSubmit={quarantine}>
          <p class="muted">Not quarantined. Quarantining keeps its failures from failing CI.</p>
          <label for="q-reason">Reason</label>
          <input id="q-reason" name="reason" required maxLength={2000} placeholder="flaky: timing in the retry test" />
          <label for="q-owner">Owner</label>
          <input id="q-owner" name="owner" maxLength={200} placeholder="team or person" />
          <label for="q-expires">Expires on (optional)</label>
          <input
            id="q-expires"
            name="expires"
            type="date"
            min={new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}
          />
          <label for="q-mode">Mode</label>
          <select id="q-mode" name="mode">
            <option value="mute">mute (run it, ignore failures)</option>
            <option value="skip">skip (do not run it)</option>
          </select>
          <button type="submit" class="primary" disabled={busy}>
            Quarantine
          </button>
        </form>
      ) : (
        <p class="muted">Not quarantined.</p>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
