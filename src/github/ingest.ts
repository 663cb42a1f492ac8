/** workflow_run completed: the run's report artifacts downloaded, unzipped under limits, and uploaded with the run's metadata. */
import { AppError } from "../lib/errors.ts";
import type { ReportMeta } from "../model/ingest.ts";
import type { Project } from "../model/project.ts";
import type { Uploads } from "../pipeline.ts";
import type { Store } from "../store/index.ts";
import { ArtifactTooLarge, artifactMatcher, downloadArtifact, listRunArtifacts } from "./artifacts.ts";
import type { GitHubClient } from "./client.ts";
import type { GitHub } from "./service.ts";
import { eachZipFile, extractZip, ZipRefused, type ZipFileEntry } from "./unzip.ts";

/** The part of a workflow_run payload we read. */
export interface WorkflowRun {
  id: number;
  head_sha: string;
  head_branch: string | null;
  run_attempt?: number;
  name?: string;
  html_url?: string;
  pull_requests?: { number: number }[];
}

/** Optional `flakeguard.json` at an artifact's root: the job and variant of the reports inside. */
const META_FILE = "flakeguard.json";
const REPORT_FILE = /\.(xml|json|trx)$/i;

/** What ingesting a run did. */
export interface IngestResult {
  reports: number;
  /** Refused artifacts and reports, each with the reason, for the check run and the audit log. */
  notes: string[];
}

/** Lists, downloads and ingests the run's report artifacts; a refused artifact is skipped whole and recorded. */
export async function ingestWorkflowRun(
  gh: GitHub,
  client: GitHubClient,
  store: Store,
  uploads: Uploads,
  project: Project,
  repo: string,
  run: WorkflowRun,
  now: () => number,
): Promise<IngestResult> {
  const wanted = artifactMatcher(gh.settings.githubArtifactPatterns);
  const artifacts = (await listRunArtifacts(client, repo, String(run.id))).filter((a) => !a.expired && wanted(a.name));
  const out: IngestResult = { reports: 0, notes: [] };
  const refuse = async (what: string, reason: string) => {
    out.notes.push(`${what} was refused: ${reason}`);
    await store.events.recordEvent(
      {
        projectId: project.id,
        kind: "github.artifact.refused",
        actor: "github",
        data: { repository: repo, run: run.id, what, reason },
      },
      now(),
    );
  };
  for (const artifact of artifacts) {
    let zip;
    let metaFile;
    try {
      if (artifact.size_in_bytes > gh.zipLimits.maxZipBytes)
        throw new ArtifactTooLarge(
          `it is ${artifact.size_in_bytes} bytes, over the limit of ${gh.zipLimits.maxZipBytes}`,
        );
      zip = await downloadArtifact(client, repo, artifact.id, gh.zipLimits.maxZipBytes, gh.fetch);
      // Checks every entry's header against the limits and reads only flakeguard.json; the reports are
      // then read one at a time below.
      [metaFile] = await extractZip(zip, gh.zipLimits, (p) => p === META_FILE);
    } catch (e) {
      if (!(e instanceof ZipRefused || e instanceof ArtifactTooLarge)) throw e;
      await refuse(`artifact '${artifact.name}'`, e.message);
      continue;
    }
    const meta = artifactMeta(metaFile?.bytes);
    const base: Omit<ReportMeta, "filename"> = {
      commit: run.head_sha,
      branch: run.head_branch,
      pr: run.pull_requests?.[0] ? String(run.pull_requests[0].number) : null,
      run: String(run.id),
      job: meta.job ?? artifact.name,
      attempt: run.run_attempt ?? 1,
      variant: meta.variant,
    };
    const receive = async (f: ZipFileEntry) => {
      if (f.bytes.byteLength === 0) return;
      try {
        await uploads.receive(project, [{ bytes: f.bytes, filename: `${artifact.name}/${f.path}` }], base);
        out.reports++;
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        // A JSON or XML file that is not a test report (a coverage summary, a config) is not worth a note.
        if (e.code !== "unsupported_format" && e.code !== "not_a_report")
          await refuse(`report '${artifact.name}/${f.path}'`, e.message);
      }
    };
    try {
      await eachZipFile(zip, gh.zipLimits, (p) => p !== META_FILE && REPORT_FILE.test(p), receive, gh.budget);
    } catch (e) {
      // Only an entry inflating past its declared size gets here (the headers were checked above).
      if (!(e instanceof ZipRefused)) throw e;
      await refuse(`artifact '${artifact.name}'`, e.message);
    }
  }
  return out;
}

/** `{"job": "unit", "variant": {"os": "linux"}}` → job and canonical variant; anything malformed is ignored. */
export function artifactMeta(bytes: Uint8Array | undefined): { job?: string; variant: string } {
  if (!bytes) return { variant: "" };
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { job?: unknown; variant?: unknown };
    const job = typeof parsed.job === "string" && parsed.job ? parsed.job.slice(0, 200) : undefined;
    const pairs =
      parsed.variant && typeof parsed.variant === "object"
        ? Object.entries(parsed.variant as Record<string, unknown>)
            .filter(([k, v]) => /^[^=,\s]+$/.test(k) && typeof v === "string" && !v.includes(","))
            .map(([k, v]) => `${k}=${String(v)}`)
            .sort()
        : [];
    return { job, variant: pairs.join(",") };
  } catch {
    return { variant: "" };
  }
}
