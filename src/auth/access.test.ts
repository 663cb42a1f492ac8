import { describe, expect, it } from "vitest";
import type { Principal } from "../model/project.ts";
import { ACCESS_RULES, allows, type Access } from "./access.ts";

const who: Record<string, Principal> = {
  adminToken: { kind: "admin", role: "admin", tokenId: "t1", actor: "token:t1" },
  upload: { kind: "upload", role: "upload", tokenId: "t2", projectId: "p1", actor: "token:t2" },
  admin: {
    kind: "session",
    role: "admin",
    sessionId: "s1",
    userId: "u1",
    tokenId: null,
    name: "ada",
    actor: "user:ada",
  },
  member: {
    kind: "session",
    role: "member",
    sessionId: "s2",
    userId: "u2",
    tokenId: null,
    name: "mia",
    actor: "user:mia",
  },
  viewer: {
    kind: "session",
    role: "viewer",
    sessionId: "s3",
    userId: "u3",
    tokenId: null,
    name: "vic",
    actor: "user:vic",
  },
};

describe("access rules", () => {
  it("lets each rule through exactly the roles its documentation names", () => {
    const table = Object.fromEntries(
      ACCESS_RULES.map((rule: Access) => [rule, Object.keys(who).filter((k) => allows(rule, who[k]))]),
    );
    expect(table).toEqual({
      public: ["adminToken", "upload", "admin", "member", "viewer"],
      "signed-in": ["adminToken", "upload", "admin", "member", "viewer"],
      viewer: ["adminToken", "admin", "member", "viewer"],
      read: ["adminToken", "upload", "admin", "member", "viewer"],
      upload: ["adminToken", "upload", "admin"],
      member: ["adminToken", "admin", "member"],
      admin: ["adminToken", "admin"],
    });
  });
});
