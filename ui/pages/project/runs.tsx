// The project's recent CI runs.
import { getOptional, seg } from "../../api.ts";
import { Ago, Empty, ErrorNote, Loading } from "../../components/bits.tsx";
import { useData } from "../../data.ts";
import { short } from "../../format.ts";
import type { RunSummary } from "../../types.ts";

/** The project's last 50 CI runs (a server without the runs route says so). */
export function Runs({ slug }: { slug: string }) {
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
