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

/** What a signed-in person may do: `viewer` reads, `member` also quarantines and releases, `admin` everything. */
export type Role = "admin" | "member" | "viewer";

/**
 * Who is making a request, once their token or session cookie is verified. `role` is what access rules
 * check; `actor` is what the audit log records (`token:<id>`, `user:<name>`).
 */
export type Principal =
  | { kind: "admin"; role: "admin"; tokenId: string; actor: string }
  | { kind: "upload"; role: "upload"; tokenId: string; projectId: string; actor: string }
  | {
      kind: "session";
      role: Role;
      sessionId: string;
      userId: string | null;
      tokenId: string | null;
      name: string;
      actor: string;
    };

/** One entry of the audit log. */
export interface AuditEvent {
  id: number;
  projectId: string | null;
  kind: string;
  actor: string;
  data: Record<string, unknown>;
  createdAt: number;
}
