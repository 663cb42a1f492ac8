import { describe, expect, it } from "vitest";
import { uploadQuery } from "./query.ts";

describe("uploadQuery", () => {
  it("puts the metadata in the upload API's query, pr only on pull requests", () => {
    const meta = {
      commit: "abc",
      branch: "feature/x-1",
      pr: "101",
      run: "8801",
      job: "unit 1/4 (linux)",
      attempt: 2,
      variant: ["os=linux"],
    };
    expect(uploadQuery(meta).toString()).toBe(
      "commit=abc&branch=feature%2Fx-1&run=8801&job=unit+1%2F4+%28linux%29&attempt=2&format=junit&pr=101&variant=os%3Dlinux",
    );
    expect(uploadQuery({ ...meta, pr: null }).has("pr")).toBe(false);
  });
});
