/** A workflow run's artifacts: list them, keep the ones whose names look like test reports, download their zips. */
import type { GitHubClient } from "./client.ts";
import { GitHubError, GitHubRetryableError } from "./client.ts";

/** One artifact of a run, as GitHub lists it. */
export interface Artifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
}

/** `*test*report*,*junit*` → a case-insensitive matcher over artifact names (`*` any text, `?` one character). */
export function artifactMatcher(patterns: string): (name: string) => boolean {
  const res = patterns
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map(
      (p) =>
        new RegExp(
          "^" +
            p
              .replace(/[.+^${}()|[\]\\]/g, "\\$&")
              .replace(/\*/g, ".*")
              .replace(/\?/g, ".") +
            "$",
          "i",
        ),
    );
  return (name) => res.some((re) => re.test(name));
}

/** Every artifact of a run (all pages). */
export async function listRunArtifacts(client: GitHubClient, repo: string, runId: string): Promise<Artifact[]> {
  return client.paginate<Artifact>(
    `/repos/${repo}/actions/runs/${runId}/artifacts`,
    (p) => (p as { artifacts: Artifact[] }).artifacts ?? [],
  );
}

/**
 * The artifact's zip. GitHub answers 302 with a short-lived signed URL; it is fetched without our
 * token (the storage host must not see it), and read no further than `maxBytes`.
 */
export async function downloadArtifact(
  client: GitHubClient,
  repo: string,
  artifactId: number,
  maxBytes: number,
  fetchImpl: typeof fetch = fetch,
): Promise<Uint8Array> {
  const res = await client.request("GET", `/repos/${repo}/actions/artifacts/${artifactId}/zip`, undefined, {
    redirect: "manual",
  });
  const location = res.headers.get("location");
  if (!location)
    throw new GitHubError(
      `artifact ${artifactId}: GitHub answered ${res.status} without a download location`,
      res.status,
    );
  let blob: Response | undefined;
  for (let tries = 2; !blob; tries--) {
    // twice: a kept-alive connection may have just been closed
    try {
      blob = await fetchImpl(location, { signal: AbortSignal.timeout(60_000) });
    } catch (e) {
      if (tries <= 1)
        throw new GitHubRetryableError(`artifact ${artifactId}: download failed: ${(e as Error).message}`, null);
    }
  }
  if (!blob.ok || !blob.body) {
    const what = `artifact ${artifactId}: download answered ${blob.status}`;
    throw blob.status >= 500 ? new GitHubRetryableError(what, blob.status) : new GitHubError(what, blob.status);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = blob.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ArtifactTooLarge(`artifact ${artifactId} is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The download went past the zip size limit. */
export class ArtifactTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactTooLarge";
  }
}
