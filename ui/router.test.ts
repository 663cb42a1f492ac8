import { describe, expect, it } from "vitest";
import { match } from "./router.ts";

describe("match", () => {
  it("matches a pattern and decodes its parameters", () => {
    expect(match("/", "/")).toEqual({});
    expect(match("/", "/settings")).toBeNull();
    expect(match("/projects/:project", "/projects/web")).toEqual({ project: "web" });
    expect(match("/projects/:project", "/projects/web/")).toEqual({ project: "web" });
    expect(match("/projects/:project/tests/:id", "/projects/a.b/tests/x%2Fy")).toEqual({ project: "a.b", id: "x/y" });
    expect(match("/projects/:project", "/projects/web/quarantine")).toBeNull();
    expect(match("/settings/:tab", "/settings")).toBeNull();
  });
});
