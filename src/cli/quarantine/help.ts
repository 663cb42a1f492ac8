import { RUNNER_FORMATS } from "./formats.ts";
import { targetFlagsHelp } from "./options.ts";

/** `flakeguard quarantine ls --help`. */
export const LS_HELP = `Usage: flakeguard quarantine ls [--format F] [--mode mute|skip] [flags]

Lists the project's quarantined tests. An upload token is enough.

Flags:
  --format F          table (default), text (one suite::name a line), json, or a test runner's own words:
${Object.entries(RUNNER_FORMATS)
  .map(([name, what]) => `                        ${name.padEnd(7)} ${what}`)
  .join("\n")}
  --mode M            only the tests quarantined with mode mute, or skip (default: all)
${targetFlagsHelp("token (env FLAKEGUARD_TOKEN, then FLAKEGUARD_ADMIN_TOKEN)")}
`;

/** `flakeguard quarantine add --help`. */
export const ADD_HELP = `Usage: flakeguard quarantine add <testId|suite::name> --reason R --owner O [--expires WHEN] [--mode mute|skip] [flags]

Quarantines one test: its failures stop failing the build (flakeguard run) until it is released or expires.
Needs an admin token. A suite::name must match one test's suite and name exactly.

Flags:
  --reason R          why (required; kept in the audit log)
  --owner O           who will fix it (required)
  --expires WHEN      2026-12-31 (end of that day, UTC), an ISO timestamp, or 30d / 12h / 2w from now
                      (default: the project's policy)
  --mode mute|skip    mute: the test runs and its failure is ignored (default); skip: it is not run
${targetFlagsHelp("admin token (env FLAKEGUARD_ADMIN_TOKEN, then FLAKEGUARD_TOKEN)")}

Example:
  flakeguard quarantine add 'checkout.cart::applies a coupon' --reason 'times out on slow runners' --owner ana --expires 30d
`;

/** `flakeguard quarantine rm --help`. */
export const RM_HELP = `Usage: flakeguard quarantine rm <testId|suite::name> [--reason R] [flags]

Releases a quarantined test. Needs an admin token. Automation will not quarantine it again for the
policy's veto period unless a person does.

Flags:
  --reason R          why (kept in the audit log)
${targetFlagsHelp("admin token (env FLAKEGUARD_ADMIN_TOKEN, then FLAKEGUARD_TOKEN)")}
`;
