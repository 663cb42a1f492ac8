/** Plain types for users and sessions. */
import type { Role } from "./project.ts";

/** A user as stored, without the password hash. */
export interface UserRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
  disabledAt: number | null;
}

/** A session as stored, without the hash of its secret. */
export interface SessionRecord {
  id: string;
  userId: string | null;
  tokenId: string | null;
  role: Role;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  revokedAt: number | null;
  userAgent: string | null;
  ip: string | null;
}
