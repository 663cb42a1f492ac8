// Overview: every project with its flaky, broken and quarantined counts and 30-day trend, and the
// recent incidents.
import { useEffect } from "preact/hooks";
import { get, getOptional, seg } from "../api.ts";
import { Ago, Empty, ErrorNote, Loading, Page } from "../components/bits.tsx";
import { TrendChart } from "../components/chart.tsx";
import { Sparkline, type TrendDay } from "../components/spark.tsx";
import { useData } from "../data.ts";
import { useLive } from "../live.ts";
import { navigate } from "../router.ts";
import type { Incident, OverviewProject, Project, QuarantineEntry, TestSummary } from "../types.ts";

interface Overview {
  projects: OverviewProject[];
  incidents: Incident[];
}

/** Builds the overview from the per-project endpoints (servers without /api/v1/overview). */
async function overviewFromProjects(): Promise<Overview> {
  const { projects } = await get<{ projects: Project[] }>("/api/v1/projects");
  const count = async (slug: string, status: string) =>
    (await get<{ tests: TestSummary[] }>(`/api/v1/projects/${seg(slug)}/tests?status=${status}&limit=500`)).tests
      .length;
  const rows = await Promise.all(
    projects.map(async (p) => {
      const [flaky, broken, quarantine, incidents] = await Promise.all([
        count(p.slug, "flaky"),
        count(p.slug, "broken"),
        get<{ tests: QuarantineEntry[] }>(`/api/v1/projects/${seg(p.slug)}/quarantine`),
        get<{ incidents: Incident[] }>(`/api/v1/projects/${seg(p.slug)}/incidents?limit=5`),
      ]);
      const row: OverviewProject = {
        id: p.id,
        slug: p.slug,
        name: p.name,
        counts: { tests: 0, flaky, broken, quarantined: quarantine.tests.length },
        trend: [],
      };
      return { row, incidents: incidents.incidents.map((i) => ({ ...i, project: p.slug })) };
    }),
  );
  const incidents = rows
    .flatMap((r) => r.incidents)
    .sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? ""))
    .slice(0, 10);
  return { projects: rows.map((r) => r.row), incidents };
}

/** Sums the projects' trends day by day. */
function totalTrend(projects: OverviewProject[]): TrendDay[] {
  const days = new Map<string, TrendDay>();
  for (const p of projects) {
    for (const d of p.trend) {
      const t = days.get(d.day) ?? { day: d.day, flaky: 0, broken: 0, quarantined: 0 };
      t.flaky += d.flaky;
      t.broken += d.broken;
      t.quarantined += d.quarantined;
      days.set(d.day, t);
    }
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The overview page; sends an admin to the setup page when there is no project yet. */
export function OverviewPage({ admin }: { admin: boolean }) {
  const { data, error, reload } = useData(async () => {
    const o = await getOptional<Overview | null>("/api/v1/overview", null);
    return o ?? overviewFromProjects();
  }, []);
  useLive(undefined, reload);
  const none = data?.projects.length === 0;
  useEffect(() => {
    if (none && admin) navigate("/setup", true);
  }, [none, admin]);
  const trend = data ? totalTrend(data.projects) : [];
  return (
    <Page
      title="Overview"
      actions={
        admin && (
          <a class="button" href="/setup">
            New project
          </a>
        )
      }
    >
      <ErrorNote error={error} />
      {!data && !error && <Loading />}
      {data && data.projects.length === 0 && <Empty>No projects yet.</Empty>}
      {trend.length > 1 && <TrendChart trend={trend} title="All projects, last 30 days" />}
      <div class="cards">
        {data?.projects.map((p) => (
          <section class="card" key={p.id} aria-labelledby={`p-${p.id}`}>
            <h2 id={`p-${p.id}`} class="flush">
              <a href={`/projects/${seg(p.slug)}`}>{p.name}</a>
            </h2>
            <div class="counts">
              <a class="count" href={`/projects/${seg(p.slug)}?tab=flaky`}>
                <b>{p.counts.flaky}</b> flaky
              </a>
              <a class="count" href={`/projects/${seg(p.slug)}?tab=broken`}>
                <b>{p.counts.broken}</b> broken
              </a>
              <a class="count" href={`/projects/${seg(p.slug)}/quarantine`}>
                <b>{p.counts.quarantined}</b> quarantined
              </a>
            </div>
            <Sparkline trend={p.trend} label={`${p.name}: 30-day trend of flaky, broken and quarantined tests`} />
          </section>
        ))}
      </div>
      <h2>Recent incidents</h2>
      {data && data.incidents.length === 0 && <Empty>No incidents: no report where most tests failed together.</Empty>}
      {data && data.incidents.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Project</th>
                <th>Run</th>
                <th>Cause</th>
                <th class="num">Failing</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {data.incidents.map((i) => (
                <tr key={i.id}>
                  <td>{i.project}</td>
                  <td>
                    {i.run && i.project ? (
                      <a href={`/projects/${seg(i.project)}/runs/${seg(i.run)}`}>{i.run}</a>
                    ) : (
                      (i.run ?? "–")
                    )}
                    {i.job && <span class="sub">{i.job}</span>}
                  </td>
                  <td>{i.cause ?? i.reason}</td>
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
      )}
    </Page>
  );
}
