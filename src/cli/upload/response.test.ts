import { describe, expect, it } from "vitest";
import { describeErrorAnswer, readReceipts } from "./response.ts";

describe("readReceipts", () => {
  it("reads the processed shape with counts", () => {
    const text = JSON.stringify({
      reports: [{ id: "r_1", status: "processed", counts: { passed: 9, failed: 1, note: "x" } }],
    });
    expect(readReceipts(201, text)).toEqual([
      { id: "r_1", status: "processed", counts: "passed 9, failed 1", duplicate: false },
    ]);
  });

  it("accepts queued ids in the shapes a server might send", () => {
    const queued = { status: "queued", duplicate: false, counts: undefined };
    expect(readReceipts(202, JSON.stringify({ reportIds: ["a", "b"] }))).toEqual([
      { id: "a", ...queued },
      { id: "b", ...queued },
    ]);
    expect(readReceipts(202, JSON.stringify({ reports: [{ reportId: 7 }] }))).toMatchObject([
      { id: "7", status: "queued" },
    ]);
    expect(readReceipts(202, JSON.stringify({ report: { id: "c" } }))).toMatchObject([{ id: "c" }]);
    expect(readReceipts(200, JSON.stringify({ id: "d", duplicate: true }))).toMatchObject([
      { id: "d", duplicate: true },
    ]);
  });

  it("returns nothing for an answer without ids", () => {
    expect(readReceipts(201, "")).toEqual([]);
    expect(readReceipts(201, "[1,2]")).toEqual([]);
  });
});

describe("describeErrorAnswer", () => {
  it("prefers the API's error object, then a plain message, then the start of the body", () => {
    expect(describeErrorAnswer(404, '{"error":{"code":"not_found","message":"no project web"}}')).toBe(
      "HTTP 404: not_found: no project web",
    );
    expect(describeErrorAnswer(413, '{"message":"too large"}')).toBe("HTTP 413: too large");
    expect(describeErrorAnswer(502, "<html>\n<h1>Bad Gateway</h1></html>")).toBe(
      "HTTP 502: <html> <h1>Bad Gateway</h1></html>",
    );
    expect(describeErrorAnswer(500, "")).toBe("HTTP 500");
  });
});
