/** NUnit XML: NUnit 3 (<test-run>) and NUnit 2 (<test-results>), nested <test-suite>s, <test-case>s. */
import type { ParseLimits } from "../model/limits.ts";
import type { Attempt, AttemptStatus, ParsedSuite } from "../model/report.ts";
import { ReportParseError } from "./errors.ts";
import { NO_PROPERTIES, ownProperties, TestFolder } from "./fold.ts";
import type { ReportInput } from "./input.ts";
import { lookupTable } from "./lookup.ts";
import { collecting, type BatchConsumer, type StreamSummary } from "./stream.ts";
import { boundText, count, secondsToMs } from "./values.ts";
import { readXml, type XmlAttributes, type XmlVisitor } from "./xml.ts";

// NUnit 3 result values and NUnit 2 ones (Success, Failure, Error, Ignored, NotRunnable …), lower-cased.
const STATUS_BY_RESULT = lookupTable<AttemptStatus>({
  passed: "passed",
  success: "passed",
  warning: "passed",
  failed: "failed",
  failure: "failed",
  error: "error",
  cancelled: "error",
});
// A bare <test-suite> root is what NUnit 3 writes for one assembly without the run wrapper.
const ROOTS = new Set(["test-run", "test-results", "test-suite"]);
const TEXT_ELEMENTS = new Set(["message", "stack-trace", "output"]);

interface OpenCase {
  suite: string;
  name: string;
  attempt: Attempt;
  properties: Record<string, string>;
}

/** Streams an NUnit 2 or 3 XML report's tests to `onBatch` as they complete. */
export async function streamNUnit(
  input: ReportInput,
  limits: ParseLimits,
  onBatch: BatchConsumer,
  fold = true,
): Promise<StreamSummary> {
  const folder = new TestFolder(limits, onBatch, fold);
  const suites: ParsedSuite[] = [];
  const fixtures: string[] = [];
  let testcase: OpenCase | undefined;
  let inFailure = false;

  const visitor: XmlVisitor = {
    open(name, attributes, depth) {
      if (depth === 0 && !ROOTS.has(name)) {
        throw new ReportParseError("not_a_report", `not an NUnit report: root element <${name}>`);
      }
      if (testcase) {
        if (name === "failure") {
          inFailure = true;
          if (testcase.attempt.status === "passed") testcase.attempt.status = "failed";
        }
        if (name === "property" && attributes.name !== undefined)
          ownProperties(testcase)[attributes.name] = attributes.value ?? "";
        return TEXT_ELEMENTS.has(name);
      }
      if (name === "test-suite") {
        suites.push(toSuite(attributes));
        fixtures.push(attributes.fullname ?? attributes.name ?? "");
      } else if (name === "test-case") {
        testcase = openCase(attributes, fixtures[fixtures.length - 1] ?? "");
      }
      return false;
    },
    close(name, text) {
      if (name === "test-suite") fixtures.pop();
      if (!testcase) return;
      const bounded = text?.trim();
      if (name === "test-case") {
        const { suite, name: testName, properties, attempt } = testcase;
        folder.add(suite, testName, undefined, undefined, properties, [attempt]);
        testcase = undefined;
      } else if (name === "failure") {
        inFailure = false;
      } else if (bounded && name === "message") {
        testcase.attempt.message = bounded;
      } else if (bounded && name === "stack-trace" && inFailure) {
        testcase.attempt.stack = bounded;
      } else if (bounded && name === "output") {
        testcase.attempt.stdout = bounded;
      }
    },
    flush: () => folder.flush(),
  };

  function openCase(attributes: XmlAttributes, fixture: string): OpenCase {
    const attempt: Attempt = {
      status: statusOf(attributes),
      durationMs: secondsToMs(attributes.duration ?? attributes.time),
    };
    if (attributes.label && attempt.status !== "passed")
      attempt.type = boundText(attributes.label, limits.maxTextLength);
    return { suite: attributes.classname || fixture, name: attributes.name ?? "", attempt, properties: NO_PROPERTIES };
  }

  await readXml(input, limits, visitor);
  return folder.finish("nunit", suites);
}

/** Parses an NUnit 2 or 3 XML report whole. */
export const parseNUnit = collecting(streamNUnit);

function statusOf(attributes: XmlAttributes): AttemptStatus {
  if (attributes.executed?.toLowerCase() === "false") return "skipped";
  // NUnit 2.2 says only success="True|False", sometimes nothing at all (a <failure> child then decides).
  if (attributes.result === undefined) return attributes.success?.toLowerCase() === "false" ? "failed" : "passed";
  // Anything else (Skipped, Ignored, Inconclusive, NotRunnable …) did not run to a verdict.
  return STATUS_BY_RESULT[(attributes.result ?? "").toLowerCase()] ?? "skipped";
}

function toSuite(attributes: XmlAttributes): ParsedSuite {
  return {
    name: attributes.fullname ?? attributes.name ?? "",
    declaredTests: count(attributes.testcasecount ?? attributes.total),
    durationMs: secondsToMs(attributes.duration ?? attributes.time),
    timestamp: attributes["start-time"],
    properties: {},
  };
}
