// The project's incidents: reports in which many tests failed together, or with one shared failure.
import { seg } from "../../api.ts";
import { Ago, Empty } from "../../components/bits.tsx";
import type { Incident } from "../../types.ts";

/** The project's incidents, newest first. */
export function Incidents({ slug, incidents }: { slug: string; incidents: Incident[] }) {
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
