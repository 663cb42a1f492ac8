// Report: one uploaded report and where it is on its way to verdicts — queued, parsing, stored, scoring
// N of M tests, settled — polled while it moves, left alone once settled or failed.
import { useEffect } from "preact/hooks";
import { get, seg } from "../api.ts";
import { Ago, ErrorNote, Loading, Page } from "../components/bits.tsx";
import { useData } from "../data.ts";

interface Report {
  id: string;
  state: string;
  stage: string;
  scoring: { done: number; total: number } | null;
  reason: string | null;
  format: string | null;
  counts: Record<string, number> | null;
  commit: string | null;
  branch: string | null;
  run: string | null;
  job: string | null;
  filename: string | null;
  receivedAt: string | null;
  processedAt: string | null;
}

/** The stages in order, as the page lists them. */
const STAGES = ["queued", "parsing", "stored", "scoring", "settled"];
const SAY: Record<string, string> = {
  queued: "Received, waiting for a worker",
  parsing: "Parsing and storing its results",
  stored: "Stored; the scoring of its tests is queued",
  scoring: "Scoring the project's tests",
  settled: "Settled: its verdicts are final",
  failed: "Failed",
};
/** How often a report still on its way is asked again. */
const POLL_MS = 1000;

/** The report page. */
export function ReportPage({ slug, id }: { slug: string; id: string }) {
  const { data, error, reload } = useData(
    () => get<Report>(`/api/v1/projects/${seg(slug)}/reports/${seg(id)}`),
    [slug, id],
  );
  const moving = data !== undefined && data.stage !== "settled" && data.stage !== "failed";
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [moving, reload]);
  if (!data)
    return error ? (
      <Page title={`Report ${id}`}>
        <ErrorNote error={error} />
      </Page>
    ) : (
      <Loading />
    );
  const reached = STAGES.indexOf(data.stage);
  const scoring = data.scoring;
  return (
    <Page
      title={`Report ${data.filename ?? data.id}`}
      sub={
        <>
          {data.run && (
            <>
              run <a href={`/projects/${seg(slug)}/runs/${seg(data.run)}`}>{data.run}</a>
              {data.job ? ` · ${data.job}` : ""} ·{" "}
            </>
          )}
          {data.commit ? `${data.commit.slice(0, 10)} · ` : ""}
          received <Ago at={data.receivedAt} />
        </>
      }
    >
      <p class={data.stage === "failed" ? "error" : data.stage === "settled" ? "card ok" : "card"} role="status">
        {SAY[data.stage] ?? data.stage}
        {data.stage === "scoring" && scoring
          ? `: ${scoring.done.toLocaleString()} of ${scoring.total.toLocaleString()} tests`
          : ""}
        {data.stage === "failed" && data.reason ? `: ${data.reason}` : ""}
      </p>
      {data.stage === "scoring" && scoring && (
        <progress max={scoring.total} value={scoring.done} aria-label="tests scored" />
      )}
      {data.stage !== "failed" && (
        <ol class="stages" aria-label="stages">
          {STAGES.map((s, i) => (
            <li key={s} class={i < reached ? "done" : i === reached ? "current" : ""}>
              {s}
            </li>
          ))}
        </ol>
      )}
      {data.counts && (
        <div class="counts">
          {Object.entries(data.counts).map(([k, n]) => (
            <span class="count" key={k}>
              <b>{n}</b> {k}
            </span>
          ))}
        </div>
      )}
    </Page>
  );
}
