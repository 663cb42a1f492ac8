// Failure groups, shared by the project page and the test page.
import { seg } from "../../api.ts";
import { Ago, Empty } from "../../components/bits.tsx";
import type { FailureGroup } from "../../types.ts";

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
