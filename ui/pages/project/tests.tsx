// The project's flaky or broken tests: score, failure rate, variants and who owns a quarantined one.
import { seg } from "../../api.ts";
import { Ago, Badge, Empty } from "../../components/bits.tsx";
import { pct } from "../../format.ts";
import type { QuarantineEntry, TestSummary } from "../../types.ts";

/** The tests of one tab, with their quarantine owner where they have one. */
export function TestTable({
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
