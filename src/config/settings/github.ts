/** The GitHub App (or token mode): credentials, API, artifact limits and issues. */
import type { SettingRows } from "./types.ts";

/** The GitHub App (or token mode): rows of SETTINGS, in the order `flakeguard config` prints them. */
export const GITHUB_SETTINGS = {
  githubAppId: { type: "string", doc: "GitHub App id" },
  githubPrivateKey: { type: "string", secret: true, doc: "GitHub App private key (PEM)" },
  githubWebhookSecret: { type: "string", secret: true, doc: "GitHub App webhook secret" },
  githubApiUrl: {
    type: "string",
    default: "https://api.github.com",
    pattern: { re: /^https?:\/\/[^\s]+$/, says: "must be an http(s) URL" },
    doc: "GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3)",
  },
  githubToken: {
    type: "string",
    secret: true,
    doc: "token mode: a personal or installation token for PR comments on CLI uploads to projects linked to a repository",
  },
  githubArtifactPatterns: {
    type: "string",
    default: "*test*report*,*junit*,*results*",
    doc: "artifact names that hold test reports (comma-separated, * and ?, case-insensitive)",
  },
  githubArtifactMaxBytes: {
    type: "bytes",
    default: 200 * 1024 * 1024,
    min: 1024,
    doc: "largest artifact zip downloaded",
  },
  githubArtifactMaxExtractedBytes: {
    type: "bytes",
    default: 1024 * 1024 * 1024,
    min: 1024,
    doc: "largest sum of files extracted from one artifact (each file at most maxUploadBytes)",
  },
  githubArtifactMaxFiles: { type: "integer", default: 10_000, min: 1, doc: "most entries in one artifact zip" },
  githubIssueReopenDays: {
    type: "integer",
    default: 30,
    min: 0,
    doc: "a test that flakes again within this many days of its issue closing reopens it (later: a new issue)",
  },
  githubIssueGroupMin: {
    type: "integer",
    default: 3,
    min: 2,
    doc: "this many tests of one suite turning flaky together get one issue",
  },
} satisfies SettingRows;
