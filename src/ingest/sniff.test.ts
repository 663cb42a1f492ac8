import { describe, expect, it } from "vitest";
import { detectFormat } from "./sniff.ts";
import { ReportParseError } from "./errors.ts";
import { parseReport } from "./registry.ts";
import { bytes, chunked, parseError } from "../../test/helpers/ingest.ts";

const junit = bytes(
  '<?xml version="1.0"?>\n<!-- generated --><testsuites><testsuite name="s"><testcase name="t"/></testsuite></testsuites>',
);

function refusal(run: () => unknown): ReportParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ReportParseError);
    return error as ReportParseError;
  }
  throw new Error("expected a refusal");
}

describe("detectFormat", () => {
  it.each([
    ["<testsuites>", "junit"],
    ["<testsuite>", "junit"],
    ["<TestRun xmlns='x'>", "trx"],
    ["<test-run>", "nunit"],
    ["<test-results>", "nunit"],
    ["<assemblies>", "xunit"],
    ['  {"results":{}}', "ctrf"],
  ])("sniffs %s as %s", (head, format) => {
    expect(detectFormat(bytes(head))).toBe(format);
  });

  it("lets an explicit format win over sniffing and content type", () => {
    expect(detectFormat(bytes("<testsuites/>"), { format: "nunit", contentType: "application/json" })).toBe("nunit");
    expect(detectFormat(bytes("<testsuites/>"), { format: "auto" })).toBe("junit");
  });

  it("uses the content type to refuse a body of the other kind", () => {
    expect(detectFormat(bytes("<testsuites/>"), { contentType: "application/xml; charset=utf-8" })).toBe("junit");
    expect(refusal(() => detectFormat(bytes("<testsuites/>"), { contentType: "application/json" })).status).toBe(415);
    expect(refusal(() => detectFormat(bytes("<testsuites/>"), { contentType: "text/html" })).message).toBe(
      "unsupported content type text/html",
    );
  });

  it.each([
    ["an unknown format name", bytes("<testsuites/>"), { format: "tap" }, 415, /unknown format "tap"/],
    ["a non-report root", bytes("<html/>"), {}, 422, /not a test report: root element <html>/],
    ["plain text", bytes("this is not xml"), {}, 415, /unrecognised report format/],
    ["nothing", bytes(" \n"), {}, 400, /empty/],
    ["a DOCTYPE", bytes("<?xml version='1.0'?><!DOCTYPE x><testsuites/>"), {}, 400, /DOCTYPE/],
  ])("refuses %s", (_what, head, options, status, message) => {
    const error = refusal(() => detectFormat(head, options));
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });
});

describe("parseReport", () => {
  it("parses a streamed report in small chunks the same as a buffer", async () => {
    const whole = await parseReport(junit);
    const streamed = await parseReport(chunked(junit, 7));
    expect(streamed).toEqual(whole);
    expect(whole).toMatchObject({ format: "junit", counts: { tests: 1, passed: 1 } });
  });

  it("refuses an empty stream with 400", async () => {
    expect(await parseError(parseReport(chunked(new Uint8Array(0), 1)))).toMatchObject({ code: "empty", status: 400 });
  });
});
