/** The GitHub side of FlakeGuard as one object: settings, the App's authentication, and a client per installation (or the token). */
import type { ByteBudget } from "../lib/budget.ts";
import type { Config } from "../config/settings.ts";
import { createAppAuth, type AppAuth } from "./app-auth.ts";
import { createGitHubClient, type GitHubClient } from "./client.ts";
import type { ZipLimits } from "./unzip.ts";

/** The settings the GitHub integration reads. */
export type GitHubSettings = Pick<
  Config,
  | "githubApiUrl"
  | "githubAppId"
  | "githubPrivateKey"
  | "githubWebhookSecret"
  | "githubToken"
  | "githubArtifactPatterns"
  | "githubIssueReopenDays"
  | "githubIssueGroupMin"
>;

/** What jobs and handlers use to talk to GitHub. */
export interface GitHub {
  settings: GitHubSettings;
  zipLimits: ZipLimits;
  /** The decompressed bytes shared with uploads (uploadMemoryBudget): each artifact entry waits for its size. */
  budget?: ByteBudget;
  /** The App's auth, when an App is configured. */
  app: AppAuth | undefined;
  /** A client acting as the installation, else with the token-mode token; undefined when neither is configured. */
  clientFor(installationId: string | null): GitHubClient | undefined;
  fetch: typeof fetch;
}

/** Most an artifact entry may expand, beyond 1 MiB: real reports compress 10–30×, bombs by thousands. */
const MAX_RATIO = 200;

/** Builds the GitHub integration from the configuration. */
export function createGitHub(
  config: Config,
  clock: () => number,
  fetchImpl: typeof fetch = fetch,
  budget?: ByteBudget,
): GitHub {
  const baseUrl = config.githubApiUrl;
  const app =
    config.githubAppId && config.githubPrivateKey
      ? createAppAuth(
          config.githubAppId,
          config.githubPrivateKey,
          async (jwt, installationId) => {
            const res = await createGitHubClient({ baseUrl, token: () => jwt, clock, fetch: fetchImpl }).request<{
              token: string;
              expires_at: string;
            }>("POST", `/app/installations/${installationId}/access_tokens`);
            return { token: res.data.token, expiresAt: Date.parse(res.data.expires_at) };
          },
          clock,
        )
      : undefined;
  // One client per installation: each remembers its own rate-limit budget.
  const clients = new Map<string, GitHubClient>();
  return {
    settings: config,
    zipLimits: {
      maxZipBytes: config.githubArtifactMaxBytes,
      maxEntryBytes: config.maxUploadBytes,
      maxTotalBytes: config.githubArtifactMaxExtractedBytes,
      maxEntries: config.githubArtifactMaxFiles,
      maxRatio: MAX_RATIO,
    },
    budget,
    app,
    fetch: fetchImpl,
    clientFor(installationId) {
      const key = installationId && app ? `i:${installationId}` : "token";
      let client = clients.get(key);
      if (client) return client;
      if (key === "token" && !config.githubToken) return undefined;
      const token = key === "token" ? () => config.githubToken! : () => app!.installationToken(installationId!);
      client = createGitHubClient({ baseUrl, token, clock, fetch: fetchImpl });
      clients.set(key, client);
      return client;
    },
  };
}
