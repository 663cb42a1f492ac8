// A small CI history with one co-failure cluster: five tests in five suites fail together when a payments
// sandbox resets (a fifth of the runs), next to four tests flaky on their own and four steady ones. Every
// failure passes on the in-run retry, so each flaky test is called flaky at its first failure.
import { Random } from "../../src/demo/random.ts";

/** The suites of the cluster's members, of the independent flaky tests, and of the steady ones. */
export const MEMBERS = ["payments.Charge", "orders.Checkout", "billing.Invoice", "cart.Totals", "users.Wallet"];
export const LONERS = ["search.Ranking", "auth.Login", "catalog.Items", "shipping.Rates"];
const STEADY = ["util.Format", "util.Parse", "util.Dates", "util.Money"];

const file = (suite: string) => `test/${suite.replace(".", "/")}.test.ts`;

// A failure that passed on the in-run retry, each test with its own stack (and so its own fingerprint).
function flakyCase(suite: string, message: string): string {
  const failure = `<failure message="${message}">${message}\n    at Object.run (${file(suite)}:12:7)</failure>`;
  return `<testcase classname="${suite}" name="works" file="${file(suite)}" time="0.01">${failure}</testcase>
    <testcase classname="${suite}" name="works" file="${file(suite)}" time="0.01"/>`;
}

const passingCase = (suite: string) =>
  `<testcase classname="${suite}" name="works" file="${file(suite)}" time="0.01"/>`;

/** The JUnit reports of `count` CI runs, oldest first (the same for the same seed). */
export function clusterHistory(count: number, seed = 7): string[] {
  const rng = new Random(seed);
  return Array.from({ length: count }, () => {
    const sandboxDown = rng.chance(0.2);
    const cases = [
      ...MEMBERS.map((s) =>
        sandboxDown ? flakyCase(s, `read ECONNRESET from payments-sandbox:${rng.int(30000, 60000)}`) : passingCase(s),
      ),
      ...LONERS.map((s) => (rng.chance(0.2) ? flakyCase(s, `${s} timed out`) : passingCase(s))),
      ...STEADY.map(passingCase),
    ];
    return `<testsuite name="all">${cases.join("\n")}</testsuite>`;
  });
}
