// Project: the flaky leaderboard, broken tests, recent runs, co-failure clusters, incidents and failure groups; the tab,
// search and sort live in the URL.
import { get, isMissingRoute, seg } from "../../api.ts";
import { ErrorNote, Loading, Page, Tabs } from "../../components/bits.tsx";
import { useData } from "../../data.ts";
import { useLive } from "../../live.ts";
import { setQuery, useLocation } from "../../router.ts";
import type { Cluster, FailureGroup, Incident, Project, QuarantineEntry, TestSummary } from "../../types.ts";
import { Clusters } from "./clusters.tsx";
import { FailureGroups } from "./failure-groups.tsx";
import { Incidents } from "./incidents.tsx";
import { Runs } from "./runs.tsx";
import { TestTable } from "./tests.tsx";

const TABS: [string, string][] = [
  ["flaky", "Flaky"],
  ["broken", "Broken"],
  ["runs", "Runs"],
  ["clusters", "Clusters"],
  ["incidents", "Incidents"],
  ["failures", "Failure groups"],
];

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
    const clusters = tab === "clusters" ? (await get<{ clusters: Cluster[] }>(`${base}/clusters`)).clusters : [];
    const incidents =
      tab === "incidents" ? (await get<{ incidents: Incident[] }>(`${base}/incidents?limit=100`)).incidents : [];
    const failures =
      tab === "failures" ? (await get<{ failures: FailureGroup[] }>(`${base}/failures?limit=100`)).failures : [];
    return { project, owners, tests, clusters, incidents, failures };
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
      {data && tab === "clusters" && <Clusters slug={slug} clusters={data.clusters} />}
      {data && tab === "incidents" && <Incidents slug={slug} incidents={data.incidents} />}
      {data && tab === "failures" && <FailureGroups slug={slug} groups={data.failures} />}
    </Page>
  );
}
