/** Plain types for projects, tokens and audit events. */

/** A project: one repository's tests. */
export interface Project {
  id: string;
  slug: string;
  name: string;
  defaultBranch: string;
  createdAt: number;
}

/** What a token may do: `admin` everything, `upload` post reports to one project. */
export type TokenScope = "admin" | "upload";

/** A stored token (never the secret itself). */
export interface TokenRecord {
  id: string;
  projectId: string | null;
  scope: TokenScope;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Who is making a request, once their token is verified. */
export type Principal =
  | { kind: "admin"; tokenId: string }
  | { kind: "upload"; tokenId: string; projectId: string };

/** One entry of the audit log. */
export interface AuditEvent {
  id: number;
  projectId: string | null;
  kind: string;
  actor: string;
  data: Record<string, unknown>;
  createdAt: number;
}
