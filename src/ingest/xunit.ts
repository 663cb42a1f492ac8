/** xUnit.net v2 XML (<assemblies>/<assembly>/<collection>/<test>), and v1's <assembly>/<class>/<test>. */
import type { ParseLimits } from "../model/limits.ts";
import type { Attempt, AttemptStatus, ParsedSuite } from "../model/report.ts";
import { ReportParseError } from "./errors.ts";
import { NO_PROPERTIES, ownProperties, TestFolder } from "./fold.ts";
import type { ReportInput } from "./input.ts";
import { lookupTable } from "./lookup.ts";
import { collecting, type BatchConsumer, type StreamSummary } from "./stream.ts";
import { boundText, count, secondsToMs } from "./values.ts";
import { readXml, type XmlAttributes, type XmlVisitor } from "./xml.ts";

const STATUS_BY_RESULT = lookupTable<AttemptStatus>({ pass: "passed", fail: "failed", skip: "skipped" });
const TEXT_ELEMENTS = new Set(["message", "stack-trace", "output", "reason"]);

interface OpenTest {
  suite: string;
  name: string;
  attempt: Attempt;
  properties: Record<string, string>;
}

/** Streams an xUnit.net XML report's tests to `onBatch` as they complete. */
export async function streamXUnit(
  input: ReportInput,
  limits: ParseLimits,
  onBatch: BatchConsumer,
  fold = true,
): Promise<StreamSummary> {
  const folder = new TestFolder(limits, onBatch, fold);
  const suites: ParsedSuite[] = [];
  let test: OpenTest | undefined;

  const visitor: XmlVisitor = {
    open(name, attributes, depth) {
      if (depth === 0 && name !== "assemblies" && name !== "assembly") {
        throw new ReportParseError("not_a_report", `not an xUnit.net report: root element <${name}>`);
      }
      if (test) {
        if (name === "failure" && attributes["exception-type"]) {
          test.attempt.type = boundText(attributes["exception-type"], limits.maxTextLength);
        }
        if (name === "trait" && attributes.name !== undefined)
          ownProperties(test)[attributes.name] = attributes.value ?? "";
        return TEXT_ELEMENTS.has(name);
      }
      if (name === "collection" || name === "class") suites.push(toSuite(attributes));
      else if (name === "test") test = openTest(attributes);
      return false;
    },
    close(name, text) {
      if (!test) return;
      const trimmed = text?.trim();
      if (name === "test") {
        const { suite, name: testName, properties, attempt } = test;
        folder.add(suite, testName, undefined, undefined, properties, [attempt]);
        test = undefined;
      } else if (trimmed && (name === "message" || name === "reason")) {
        test.attempt.message = trimmed;
      } else if (trimmed && name === "stack-trace") {
        test.attempt.stack = trimmed;
      } else if (trimmed && name === "output") {
        test.attempt.stdout = trimmed;
      }
    },
    flush: () => folder.flush(),
  };

  await readXml(input, limits, visitor);
  return folder.finish("xunit", suites);
}

/** Parses an xUnit.net XML report whole. */
export const parseXUnit = collecting(streamXUnit);

function openTest(attributes: XmlAttributes): OpenTest {
  const suite = attributes.type ?? "";
  const displayName = attributes.name ?? attributes.method ?? "";
  // The display name repeats the class ("Ns.Class.Method(args)"): the suite already says it.
  const name = suite && displayName.startsWith(`${suite}.`) ? displayName.slice(suite.length + 1) : displayName;
  const attempt: Attempt = {
    status: STATUS_BY_RESULT[(attributes.result ?? "").toLowerCase()] ?? "skipped",
    durationMs: secondsToMs(attributes.time),
  };
  return { suite, name, attempt, properties: NO_PROPERTIES };
}

function toSuite(attributes: XmlAttributes): ParsedSuite {
  return {
    name: attributes.name ?? "",
    declaredTests: count(attributes.total),
    durationMs: secondsToMs(attributes.time),
    properties: {},
  };
}
