// The project's co-failure clusters: flaky tests that fail together, one cause to fix each.
import { seg } from "../../api.ts";
import { Ago, Empty } from "../../components/bits.tsx";
import type { Cluster } from "../../types.ts";

/** The project's clusters, largest first, each linking to its page. */
export function Clusters({ slug, clusters }: { slug: string; clusters: Cluster[] }) {
  if (clusters.length === 0)
    return <Empty>No clusters: no group of flaky tests fails together more often than chance.</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Cluster</th>
            <th class="num">Tests</th>
            <th class="num">Together</th>
            <th>Last together</th>
          </tr>
        </thead>
        <tbody>
          {clusters.map((c) => (
            <tr key={c.id}>
              <td>
                <a href={`/projects/${seg(slug)}/clusters/${seg(c.id)}`}>{c.evidence.text}</a>
              </td>
              <td class="num">{c.tests.length}</td>
              <td class="num">
                {c.coFailures} / {c.failures}
              </td>
              <td>
                <Ago at={c.evidence.lastCoFailureAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
