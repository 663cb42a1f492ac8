// First run: create a project and an upload token, show copy-ready CI snippets, then wait for the
// first report and show it arriving.
import { useState } from "preact/hooks";
import { get, request, seg } from "../api.ts";
import { Empty, ErrorNote, Page } from "../components/bits.tsx";
import { CopyBlock } from "../components/copy.tsx";
import { useData } from "../data.ts";
import { useLive } from "../live.ts";
import type { Project, TestSummary } from "../types.ts";

interface Created {
  project: Project;
  token: string;
}

/**
 * Snippets with this server and project filled in, the ready-made CI steps first: the GitHub Action, the
 * GitLab template, the light client this server serves (any CI with Node.js), then the executable.
 */
export function snippets(server: string, project: string, token: string): [string, string][] {
  return [
    [
      "GitHub Actions",
      `      - uses: flakeguard/flakeguard@v1
        if: \${{ !cancelled() }}        # also after failed tests
        with:
          server: ${server}
          token: \${{ secrets.FLAKEGUARD_TOKEN }}
          project: ${project}
          reports: reports/**/*.xml`,
    ],
    [
      "GitLab CI",
      `include:
  - remote: https://raw.githubusercontent.com/flakeguard/flakeguard/v1/ci/gitlab/flakeguard.gitlab-ci.yml

test:
  extends: .flakeguard-upload       # uploads in after_script, also after failed tests
  variables:
    FLAKEGUARD_SERVER: ${server}
    FLAKEGUARD_PROJECT: ${project}
    FLAKEGUARD_REPORTS: reports/**/*.xml
    # FLAKEGUARD_TOKEN: a masked CI/CD variable
  script:
    - npm test`,
    ],
    [
      "Any CI with Node.js",
      `curl -fsSL ${server}/cli/flakeguard.js -o flakeguard.js
FLAKEGUARD_SERVER=${server} FLAKEGUARD_PROJECT=${project} \\
  node flakeguard.js upload 'reports/**/*.xml'     # FLAKEGUARD_TOKEN from a CI secret`,
    ],
    [
      "Command line",
      `export FLAKEGUARD_SERVER=${server}
export FLAKEGUARD_PROJECT=${project}
export FLAKEGUARD_TOKEN=${token}
./flakeguard upload 'reports/**/*.xml'`,
    ],
  ];
}

function Waiting({ created }: { created: Created }) {
  const slug = created.project.slug;
  const { data, reload } = useData(async () => {
    const project = await get<Project>(`/api/v1/projects/${seg(slug)}`);
    const tests = project.counts?.reports
      ? (await get<{ tests: TestSummary[] }>(`/api/v1/projects/${seg(slug)}/tests?limit=500`)).tests
      : [];
    return { project, tests };
  }, [slug]);
  useLive(slug, reload);
  const reports = data?.project.counts?.reports ?? 0;
  return (
    <section aria-labelledby="first-report">
      <h2 id="first-report">First report</h2>
      <div role="status" aria-live="polite" class="card">
        {reports === 0 ? (
          <p>Waiting for the first report… This page updates by itself when it arrives.</p>
        ) : (
          <>
            <p class="ok">
              <strong>First report received</strong> — {reports} report{reports === 1 ? "" : "s"},{" "}
              {data?.tests.length ?? 0} tests so far.
            </p>
            <a class="button primary" href={`/projects/${seg(slug)}`}>
              Open {created.project.name}
            </a>
          </>
        )}
      </div>
    </section>
  );
}

/** The setup page. */
export function Setup() {
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const slug = String(form.get("slug") ?? "").trim();
    const name = String(form.get("name") ?? "").trim() || undefined;
    setError(null);
    try {
      const project = await request<Project>("POST", "/api/v1/projects", { slug, name });
      const issued = await request<{ token: string }>("POST", `/api/v1/projects/${seg(slug)}/tokens`, {
        scope: "upload",
        name: "CI uploads",
      });
      setCreated({ project, token: issued.token });
    } catch (e) {
      setError(e as Error);
    }
  };
  if (!created) {
    return (
      <Page title="Set up a project" sub="A project collects the test reports of one repository.">
        <form class="stack card" onSubmit={submit}>
          <label for="slug">Project slug</label>
          <input
            id="slug"
            name="slug"
            required
            pattern="[a-z0-9][a-z0-9._\-]*"
            placeholder="web"
            aria-describedby="slug-help"
          />
          <span id="slug-help" class="muted">
            Lowercase letters, digits, ".", "_" or "-".
          </span>
          <label for="name">Display name (optional)</label>
          <input id="name" name="name" placeholder="Web app" />
          <ErrorNote error={error} />
          <button class="primary" type="submit">
            Create project and upload token
          </button>
        </form>
      </Page>
    );
  }
  const server = location.origin;
  return (
    <Page title={`${created.project.name} is ready`}>
      <div class="card">
        <h2>Upload token</h2>
        <p>
          Shown this once: store it as the CI secret <code>FLAKEGUARD_TOKEN</code>.
        </p>
        <CopyBlock label="Upload token" text={created.token} />
      </div>
      <h2>Send reports from CI</h2>
      {snippets(server, created.project.slug, created.token).map(([label, text]) => (
        <CopyBlock key={label} label={label} text={text} />
      ))}
      <Waiting created={created} />
    </Page>
  );
}

/** Shown on the overview when there is nothing yet and the user may not create projects. */
export const NoProjects = () => <Empty>No projects yet. An admin can create one under Set up.</Empty>;
