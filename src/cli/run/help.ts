import { DEFAULT_REPORT_GLOBS } from "./options.ts";

/** `flakeguard run --help`. */
export const RUN_HELP = `Usage: flakeguard run [flags] [--reports GLOB]... -- <test command>...

Runs the test command with its output streamed through (signals reach it), then uploads the reports it
wrote, as flakeguard upload does, and asks the server which of the failing tests are quarantined.

Exit code:
  the command passed                          0
  it failed, every failing test quarantined   0, after a table of them (test, mode, reason)
  it failed on a test that is not quarantined the command's own code
  killed by a signal                          128 + the signal number (SIGTERM: 143)
No report found, an incomplete configuration, the server unreachable, the upload or the check failing:
the command's own code and one warning line on stderr. The wrapper never turns red into green by mistake.

Flags:
  --reports GLOB      report files to upload; repeatable. Only files modified since the command started
                      count. Default: ${DEFAULT_REPORT_GLOBS.join(" ")}
                      (the defaults skip node_modules and .git)
  --server URL        FlakeGuard server (env FLAKEGUARD_SERVER)
  --token T           upload token (env FLAKEGUARD_TOKEN, or FLAKEGUARD_TOKEN_FILE naming a file)
  --project P         project slug (env FLAKEGUARD_PROJECT)
  --commit, --branch, --pr, --run, --job, --attempt, --variant k=v, --format
                      report metadata as for flakeguard upload; detected from the CI system otherwise
  -h, --help          this text

Examples:
  flakeguard run --project web --reports 'reports/*.xml' -- npm test
  flakeguard run --variant os=linux -- mvn -B test
`;
