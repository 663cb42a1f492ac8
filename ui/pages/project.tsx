// Project: the flaky leaderboard, broken tests, recent runs, incidents and failure groups; the tab,
// search and sort live in the URL.
import { get, getOptional, isMissingRoute, seg } from "../api.ts";
import { Ago, Badge, Empty, ErrorNote, Loading, Page, Tabs } from "../components/bits.tsx";
import { useData } from "../data.ts";
import { pct, short } from "../format.ts";
import { useLive } from "../live.ts";
import { setQuery, useLocation } from "../router.ts";
import type { FailureGroup, Incident, Project, QuarantineEntry, RunSummary, TestSummary } from "../types.ts";

const TABS: [string, string][] = [
  ["flaky", "Flaky"],
  ["broken", "Broken"],
  ["runs", "Runs"],
  ["incidents", "Incidents"],
  ["failures", "Failure groups"],
];

function TestTable({
  slug,
  tests,
  owners,
}: {
  slug: string;
  tests: TestSummary[];
  owners: Map<string, QuarantineEntry>;
}) {
  if (tests.length === 0) return <Empty>No tests match.</Empty>;
  const showVariants = tests.some((t) => t.variants && t.variants.length > 0);
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Test</th>
            <th class="num" title="flakiness score and its 95 % interval">
              Score
            </th>
            <th class="num">Failure rate</th>
            <th class="hide-small">Last failure</th>
            {showVariants && <th class="hide-small">Variants</th>}
            <th class="hide-small">Owner</th>
          </tr>
        </thead>
        <tbody>
          {tests.map((t) => {
            const q = owners.get(t.id);
            const owner = t.owner ?? q?.owner;
            return (
              <tr key={t.id}>
                <td>
                  <a href={`/projects/${seg(slug)}/tests/${seg(t.id)}`}>{t.name}</a>{" "}
                  {q ? <Badge status="quarantined" /> : t.status !== "flaky" && <Badge status={t.status} />}
                  <span class="sub">
                    {t.suite}
                    {t.file ? ` · ${t.file}` : ""}
                  </span>
                </td>
                <td class="num">
                  {t.score.toFixed(2)}
                  <span class="sub">
                    {t.interval[0].toFixed(2)}–{t.interval[1].toFixed(2)}
                  </span>
                </td>
                <td class="num">
                  {pct(t.failureRate)}
                  <span class="sub">
                    {t.failures} of {t.runs} runs
                  </span>
                </td>
                <td class="hide-small">
                  <Ago at={t.lastFailureAt} />
                </td>
                {showVariants && (
                  <td class="hide-small">
                    {t.variants?.length
                      ? t.variants.map((v) => (
                          <span
                            key={v.variant}
                            class={`badge ${v.status}`}
                            title={`${v.variant}: ${v.status}, failed ${pct(v.failureRate)}`}
                          >
                            {v.variant}
                          </span>
                        ))
                      : "–"}
                  </td>
                )}
                <td class="hide-small">{owner ?? "–"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Runs({ slug }: { slug: string }) {
  const { data, error } = useData(
    () => getOptional<{ runs: RunSummary[] } | null>(`/api/v1/projects/${seg(slug)}/runs?limit=50`, null),
    [slug],
  );
  if (error) return <ErrorNote error={error} />;
  if (!data)
    return data === null ? (
      <Empty>This server does not list runs yet; open a run from a test's history.</Empty>
    ) : (
      <Loading />
    );
  if (data.runs.length === 0) return <Empty>No runs yet.</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Run</th>
            <th>Commit</th>
            <th class="num">Tests</th>
            <th class="num">Failed</th>
            <th class="num">Flaky</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {data.runs.map((r) => (
            <tr key={r.key}>
              <td>
                {r.run ? (
                  <a href={`/projects/${seg(slug)}/runs/${seg(r.run)}`}>{r.run}</a>
                ) : (
                  <span class="muted">no run id</span>
                )}
                {r.pr && <span class="sub">PR {r.pr}</span>}
              </td>
              <td>
                <code>{short(r.commit)}</code>
                <span class="sub">{r.branch}</span>
              </td>
              <td class="num">{r.tests}</td>
              <td class="num">{r.failed}</td>
              <td class="num">{r.flaky}</td>
              <td>
                <Ago at={r.startedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Incidents({ slug, incidents }: { slug: string; incidents: Incident[] }) {
  if (incidents.length === 0) return <Empty>No incidents.</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Run</th>
            <th>Cause</th>
            <th class="num">Failing</th>
            <th>When</th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((i) => (
            <tr key={i.id}>
              <td>
                {i.run ? <a href={`/projects/${seg(slug)}/runs/${seg(i.run)}`}>{i.run}</a> : "–"}
                <span class="sub">{i.job}</span>
              </td>
              <td>
                {i.cause ?? "–"}
                <span class="sub">{i.reason}</span>
              </td>
              <td class="num">
                {i.failing} / {i.total}
              </td>
              <td>
                <Ago at={i.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Failure groups: one normalised failure each, with a sample message and stack. */
export function FailureGroups({
  slug,
  groups,
  openFirst = false,
}: {
  slug: string;
  groups: FailureGroup[];
  openFirst?: boolean;
}) {
  if (groups.length === 0) return <Empty>No failures recorded.</Empty>;
  return (
    <>
      {groups.map((g, i) => (
        <details class="card" key={g.fingerprint} open={openFirst && i === 0}>
          <summary>
            <strong>{g.message?.split("\n")[0] || "(no message)"}</strong> — {g.occurrences} failures in {g.tests} test
            {g.tests === 1 ? "" : "s"}, last <Ago at={g.lastSeenAt} />
          </summary>
          {g.stack && <pre>{g.stack}</pre>}
          <p>
            Tests:{" "}
            {g.testIds.map((id, j) => (
              <span key={id}>
                {j > 0 && ", "}
                <a href={`/projects/${seg(slug)}/tests/${seg(id)}`}>{id.slice(0, 8)}</a>
              </span>
            ))}
          </p>
        </details>
      ))}
    </>
  );
}

/** The project page. */
export function ProjectPage({ slug }: { slug: string }) {
  const { query } = useLocation();
  const tab = query.get("tab") ?? "flaky";
  const q = query.get("q") ?? "";
  const sort = query.get("sort") ?? "score";
  const base = `/api/v1/projects/${seg(slug)}`;
  const { data, error, reload } = useData(async () => {
    const [project, quarantine] = await Promise.all([
      get<Project>(base),
      get<{ tests: QuarantineEntry[] }>(`${base}/quarantine`),
    ]);
    const owners = new Map(quarantine.tests.map((e) => [e.testId, e]));
    const params = new URLSearchParams({ sort, limit: "100" });
    if (q) params.set("q", q);
    const tests =
      tab === "flaky" || tab === "broken"
        ? (await get<{ tests: TestSummary[] }>(`${base}/tests?status=${tab}&${params}`)).tests
        : [];
    const incidents =
      tab === "incidents" ? (await get<{ incidents: Incident[] }>(`${base}/incidents?limit=100`)).incidents : [];
    const failures =
      tab === "failures" ? (await get<{ failures: FailureGroup[] }>(`${base}/failures?limit=100`)).failures : [];
    return { project, owners, tests, incidents, failures };
  }, [slug, tab, q, sort]);
  useLive(slug, reload);
  const href = (id: string) => `/projects/${seg(slug)}?${new URLSearchParams({ ...(q ? { q } : {}), tab: id })}`;
  const missing = isMissingRoute(error);
  return (
    <Page
      title={data?.project.name ?? slug}
      sub={data && `${data.project.counts?.reports ?? 0} reports · default branch ${data.project.defaultBranch}`}
      actions={
        <a class="button" href={`/projects/${seg(slug)}/quarantine`}>
          Quarantine ({data?.owners.size ?? "…"})
        </a>
      }
    >
      <Tabs tabs={TABS} current={tab} href={href} />
      {(tab === "flaky" || tab === "broken") && (
        <form class="toolbar" role="search" onSubmit={(e) => e.preventDefault()}>
          <label class="inline">
            Search
            <input
              type="search"
              value={q}
              placeholder="name, suite or file"
              onInput={(e) => setQuery({ q: (e.target as HTMLInputElement).value })}
            />
          </label>
          <label class="inline">
            Sort
            <select
              value={sort}
              onChange={(e) =>
                setQuery({
                  sort:
                    (e.target as HTMLSelectElement).value === "score"
                      ? undefined
                      : (e.target as HTMLSelectElement).value,
                })
              }
            >
              <option value="score">score</option>
              <option value="failures">failures</option>
              <option value="recent">last failure</option>
            </select>
          </label>
        </form>
      )}
      <ErrorNote error={missing ? null : error} />
      {!data && !error && <Loading />}
      {data && (tab === "flaky" || tab === "broken") && (
        <TestTable slug={slug} tests={data.tests} owners={data.owners} />
      )}
      {tab === "runs" && <Runs slug={slug} />}
      {data && tab === "incidents" && <Incidents slug={slug} incidents={data.incidents} />}
      {data && tab === "failures" && <FailureGroups slug={slug} groups={data.failures} />}
    </Page>
  );
}
