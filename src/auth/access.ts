/** Access rules: who may call a route. Each route in src/http/routes.ts names exactly one. */
import type { Principal } from "../model/project.ts";

/**
 * Who may call a route:
 * - `public`: anyone; credentials are not even read (health-like routes, sign-in, signed webhooks)
 * - `signed-in`: any valid token or session
 * - `viewer`: people (viewer, member, admin sessions) and admin tokens — not upload tokens
 * - `read`: as `viewer`, plus an upload token for its own project (project routes check the project)
 * - `upload`: an upload token for its own project, and admins
 * - `member`: member and admin sessions, admin tokens
 * - `admin`: admin sessions and admin tokens
 */
export type Access = "public" | "signed-in" | "viewer" | "read" | "upload" | "member" | "admin";

/** Every access rule, for validation and documentation. */
export const ACCESS_RULES: readonly Access[] = ["public", "signed-in", "viewer", "read", "upload", "member", "admin"];

const ALLOWED: Record<Access, readonly Principal["role"][]> = {
  public: ["admin", "member", "viewer", "upload"],
  "signed-in": ["admin", "member", "viewer", "upload"],
  viewer: ["admin", "member", "viewer"],
  read: ["admin", "member", "viewer", "upload"],
  upload: ["admin", "upload"],
  member: ["admin", "member"],
  admin: ["admin"],
};

/** Whether a principal's role passes a rule (the project of an upload token is checked separately). */
export function allows(access: Access, principal: Principal): boolean {
  return ALLOWED[access].includes(principal.role);
}

/** What a refusal says, so the caller knows which credential is missing. */
export function refusalMessage(access: Access): string {
  switch (access) {
    case "admin":
      return "this operation needs an admin (an admin session or an fga_ token)";
    case "member":
      return "this operation needs a member or an admin";
    case "upload":
      return "this operation needs an upload token of this project or an admin";
    default:
      return "this operation is not open to this token";
  }
}
