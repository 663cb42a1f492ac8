// Run: the verdict on each failure of one CI run — the page a PR check links to.
import { get, seg } from "../api.ts";
import { Badge, Empty, ErrorNote, Loading, Page } from "../components/bits.tsx";
import { useData } from "../data.ts";
import { scoreText } from "../format.ts";
import { useLive } from "../live.ts";

interface RunVerdict {
  run: string;
  reports: { id: string; job: string | null; state: string; incident: boolean }[];
  summary: Record<string, number>;
  blocking: number;
  failures: {
    testId: string;
    suite: string;
    name: string;
    file: string;
    job: string | null;
    variant: string;
    class: string;
    passedOnRetry: boolean;
    message: string | null;
    verdict: { status: string; score: number; interval: [number, number] } | null;
  }[];
}

const EXPLAIN: Record<string, string> = {
  "known-flaky": "known to be flaky: not caused by this change",
  quarantined: "quarantined: ignored by CI",
  "new-failure": "new failure: look at this one",
  incident: "failed during an infrastructure incident",
};

/** The run page. */
export function RunPage({ slug, run }: { slug: string; run: string }) {
  const { data, error, reload } = useData(
    () => get<RunVerdict>(`/api/v1/projects/${seg(slug)}/runs/${seg(run)}/verdict`),
    [slug, run],
  );
  useLive(slug, reload);
  if (!data)
    return error ? (
      <Page title={`Run ${run}`}>
        <ErrorNote error={error} />
      </Page>
    ) : (
      <Loading />
    );
  const order = ["new-failure", "incident", "known-flaky", "quarantined"];
  const failures = [...data.failures].sort((a, b) => order.indexOf(a.class) - order.indexOf(b.class));
  return (
    <Page
      title={`Run ${run}`}
      sub={
        <details>
          <summary>
            {data.reports.length} report{data.reports.length === 1 ? "" : "s"}
            {data.reports.some((r) => r.incident) && " (incident)"}
          </summary>
          {data.reports.map((r, i) => (
            <span key={r.id}>
              {i > 0 && ", "}
              <a href={`/projects/${seg(slug)}/reports/${seg(r.id)}`}>{r.job ?? "job"}</a>
              {r.state === "processed" ? "" : ` (${r.state})`}
            </span>
          ))}
        </details>
      }
    >
      <p class={data.blocking ? "error" : "card ok"} role="status">
        {data.blocking
          ? `${data.blocking} new failure${data.blocking === 1 ? "" : "s"} need a look.`
          : "No new failures: every failure is explained."}
      </p>
      <div class="counts">
        {order.map((k) => (
          <span class="count" key={k}>
            <b>{data.summary[k] ?? 0}</b> {k}
          </span>
        ))}
      </div>
      {failures.length === 0 ? (
        <Empty>No failures in this run.</Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Verdict</th>
                <th>Test</th>
                <th class="hide-small">Job · variant</th>
                <th class="num">Score</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((f, i) => (
                <tr key={i}>
                  <td>
                    <Badge status={f.class} />
                    <span class="sub">
                      {EXPLAIN[f.class]}
                      {f.passedOnRetry ? "; passed on retry" : ""}
                    </span>
                  </td>
                  <td>
                    <a href={`/projects/${seg(slug)}/tests/${seg(f.testId)}`}>{f.name}</a>
                    <span class="sub">{f.suite}</span>
                    {f.message && <span class="sub">{f.message.split("\n")[0].slice(0, 200)}</span>}
                  </td>
                  <td class="hide-small">
                    {f.job ?? "–"}
                    {f.variant && <span class="sub">{f.variant}</span>}
                  </td>
                  <td class="num">{f.verdict ? scoreText(f.verdict.score, f.verdict.interval) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
