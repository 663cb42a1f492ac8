/** `flakeguard upload --help`. */
export const UPLOAD_HELP = `Usage: flakeguard upload [flags] <file or glob>...

Sends test reports (JUnit XML, CTRF JSON, TRX, NUnit, xUnit) from a CI job to a FlakeGuard server,
gzipped, one request per file. Commit, branch, PR, run, job, attempt and run URL are detected from
GitHub Actions, GitLab CI, CircleCI, Buildkite, Jenkins and Azure Pipelines; flags override them.

It never fails the build by default: when nothing matches, the server is unreachable, or the
configuration is incomplete, it prints a warning and exits 0. With --fail-on-error an upload failure
exits 1 and a configuration mistake (missing server, token or project, a bad flag) exits 2.

Flags:
  --server URL        FlakeGuard server (env FLAKEGUARD_SERVER)
  --token T           upload token (env FLAKEGUARD_TOKEN, or FLAKEGUARD_TOKEN_FILE naming a file)
  --project P         project slug (env FLAKEGUARD_PROJECT)
  --commit SHA        commit the tests ran on
  --branch B          branch name
  --pr N              pull/merge request number
  --run ID            CI run (workflow, pipeline, build) id
  --job NAME          CI job name
  --attempt N         attempt of the run (re-runs of the same run count up from 1)
  --variant k=v       dimension of this run, e.g. os=linux; repeatable
  --format F          junit, ctrf, trx, nunit or xunit (default: the server detects it)
  --github-token T    token mode: after the upload, create or edit this PR's FlakeGuard comment with a
                      personal or installation token (env FLAKEGUARD_GITHUB_TOKEN; repository from
                      GITHUB_REPOSITORY, API from GITHUB_API_URL); needs --pr and --run (detected on Actions)
  --wait              after the upload, wait until the reports' verdicts are settled (printing each
                      report's stage: queued, parsing, stored, scoring N of M tests), then print the
                      run's verdict and exit like \`flakeguard run\`: 1 when a failing test is not
                      quarantined, 0 otherwise (a wait that cannot finish is a warning, exit 0)
  --wait-timeout D    how long --wait waits: seconds, or 90s, 10m, 1h (default 10m; implies --wait)
  --fail-on-error     exit non-zero when the upload fails
  --dry-run           print what would be sent, send nothing
  -h, --help          this text

Failed requests (HTTP 429, 5xx, network errors) are retried up to 5 times with exponential backoff,
honouring Retry-After. The token is never printed.

Examples:
  flakeguard upload --project web 'reports/**/*.xml'
  flakeguard upload --variant os=linux --variant node=24 --fail-on-error junit.xml
  flakeguard upload --wait --wait-timeout 5m 'reports/**/*.xml'
`;
