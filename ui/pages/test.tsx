// Test: the history strip, the evidence in plain words, verdicts per variant, failure groups with a
// sample stack, the quarantine state and its controls, and the audit trail.
import { useState } from "preact/hooks";
import { get, getOptional, seg } from "../api.ts";
import { Ago, Badge, Empty, ErrorNote, Loading, Page } from "../components/bits.tsx";
import { HistoryStrip, type StripCell } from "../components/strip.tsx";
import { useData } from "../data.ts";
import { pct, scoreText, short, when } from "../format.ts";
import { useLive } from "../live.ts";
import type { AuditEvent, Evidence, FailureGroup, QuarantineEntry, TestDetail, Verdict } from "../types.ts";
import { FailureGroups } from "./project/failure-groups.tsx";
import { QuarantinePanel } from "./quarantine/form.tsx";

const EVIDENCE_SHOWN = 5;

function EvidenceList({ slug, evidence }: { slug: string; evidence: Evidence[] }) {
  const [all, setAll] = useState(false);
  if (evidence.length === 0) return <Empty>No evidence yet: not enough runs to say.</Empty>;
  const sorted = [...evidence].sort((a, b) => b.weight - a.weight);
  return (
    <ul class="card">
      {(all ? sorted : sorted.slice(0, EVIDENCE_SHOWN)).map((e, i) => (
        <li key={i}>
          {e.text}
          {e.runs.length > 0 && (
            <>
              {" "}
              — runs{" "}
              {e.runs.slice(0, 6).map((r, j) => (
                <>
                  {j > 0 && ", "}
                  <a href={`/projects/${seg(slug)}/runs/${seg(r)}`}>{r}</a>
                </>
              ))}
              {e.runs.length > 6 && ` and ${e.runs.length - 6} more`}
            </>
          )}
          {e.commit && (
            <>
              {" "}
              (commit <code>{short(e.commit)}</code>)
            </>
          )}
          {e.variant && <span class="muted"> [{e.variant}]</span>}
        </li>
      ))}
      {sorted.length > EVIDENCE_SHOWN && (
        <li class="muted">
          <button type="button" onClick={() => setAll(!all)} aria-expanded={all}>
            {all ? "Show the strongest only" : `Show all ${sorted.length} pieces of evidence`}
          </button>
        </li>
      )}
    </ul>
  );
}

function Variants({ variants }: { variants: Record<string, Verdict> }) {
  const rows = Object.entries(variants);
  if (rows.length === 0) return null;
  return (
    <>
      <h2>By variant</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Variant</th>
              <th>Verdict</th>
              <th class="num">Score</th>
              <th class="num">Failure rate</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([variant, v]) => (
              <tr key={variant}>
                <td>{variant}</td>
                <td>
                  <Badge status={v.status} />
                </td>
                <td class="num">{scoreText(v.score, [v.low, v.high])}</td>
                <td class="num">{pct(v.failureRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Audit({ events }: { events: AuditEvent[] | null }) {
  if (events === null) return <Empty>This server keeps no audit trail for the UI yet.</Empty>;
  if (events.length === 0) return <Empty>Nothing recorded for this test yet.</Empty>;
  return (
    <ol class="card">
      {events.map((e) => (
        <li key={e.id}>
          <strong>{e.kind}</strong> by {e.actor} — {when(e.createdAt)}
          {typeof e.data?.reason === "string" && <>: {e.data.reason}</>}
        </li>
      ))}
    </ol>
  );
}

/** Strip cells from the test's observations (servers without the history endpoint). */
const toCells = (detail: TestDetail): StripCell[] =>
  detail.history.map((o) => ({
    run: o.run,
    commit: o.commit,
    branch: o.branch,
    variant: o.variant,
    at: o.receivedAt,
    outcome: o.outcome,
    attempts: o.retriedPass ? ["failed", "passed"] : [o.outcome],
    incident: o.incident,
  }));

/** The test page. */
export function TestPage({ slug, id, canChange }: { slug: string; id: string; canChange: boolean }) {
  const base = `/api/v1/projects/${seg(slug)}`;
  const { data, error, reload } = useData(async () => {
    const [test, history, quarantine, failures, events] = await Promise.all([
      get<TestDetail>(`${base}/tests/${seg(id)}`),
      getOptional<{ cells: StripCell[] } | null>(`${base}/tests/${seg(id)}/history?limit=300`, null),
      get<{ tests: QuarantineEntry[] }>(`${base}/quarantine`),
      get<{ failures: FailureGroup[] }>(`${base}/failures?limit=500`),
      getOptional<{ events: AuditEvent[] } | null>(`${base}/events?limit=200&test=${seg(id)}`, null),
    ]);
    const mine = new Set(test.fingerprints.map((f) => f.fingerprint));
    return {
      test,
      cells: history?.cells ?? toCells(test),
      entry: quarantine.tests.find((q) => q.testId === id),
      groups: failures.failures.filter((g) => mine.has(g.fingerprint)),
      events: events && events.events,
    };
  }, [slug, id]);
  useLive(slug, reload);
  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  const { test, entry } = data;
  const v = test.verdict;
  return (
    <Page
      title={test.name}
      sub={
        <>
          {test.suite}
          {test.file && ` · ${test.file}`} · first seen <Ago at={test.firstSeenAt} />
        </>
      }
    >
      <ErrorNote error={error} />
      <div class="counts">
        {v && (
          <span class="count">
            <Badge status={entry ? "quarantined" : v.status} />
            <span class="muted">{v.status}</span>
          </span>
        )}
        {v && (
          <span class="count">
            <b>{scoreText(v.score, [v.low, v.high])}</b> flakiness score (95 % interval)
          </span>
        )}
        {v && (
          <span class="count">
            <b>{pct(v.failureRate)}</b> failed {v.failures} of {v.runs} runs
          </span>
        )}
        {v && (
          <span class="count">
            <b>
              <Ago at={v.lastFailureAt == null ? null : new Date(v.lastFailureAt).toISOString()} />
            </b>{" "}
            last failure
          </span>
        )}
      </div>
      <h2>History</h2>
      {data.cells.length ? <HistoryStrip cells={data.cells} project={slug} /> : <Empty>No runs recorded.</Empty>}
      <h2>Why</h2>
      <EvidenceList slug={slug} evidence={v?.evidence ?? []} />
      {test.cluster && (
        <p class="card" id="test-cluster">
          Fails together with {test.cluster.size - 1} other flaky tests: {test.cluster.text}.{" "}
          <a href={`/projects/${seg(slug)}/clusters/${seg(test.cluster.id)}`}>See the cluster</a>
        </p>
      )}
      <Variants variants={test.variants} />
      <QuarantinePanel slug={slug} testId={id} entry={entry} canChange={canChange} onChange={reload} />
      <h2>Failure groups</h2>
      <FailureGroups slug={slug} groups={data.groups} openFirst />
      <h2>Audit trail</h2>
      <Audit events={data.events} />
    </Page>
  );
}
