/**
 * JUnit XML in its real dialects: Surefire/Gradle (flaky and rerun elements), pytest, jest-junit, mocha,
 * Playwright, go-junit-report/gotestsum, PHPUnit (nested suites, file), googletest, Bazel.
 */
import type { ParseLimits } from "../model/limits.ts";
import type { ParsedSuite } from "../model/report.ts";
import { ReportParseError } from "./errors.ts";
import { NO_PROPERTIES, TestFolder } from "./fold.ts";
import type { ReportInput } from "./input.ts";
import { JUnitCase } from "./junit-case.ts";
import { collecting, type BatchConsumer, type StreamSummary } from "./stream.ts";
import { detach } from "./strings.ts";
import { count, lineNumber, secondsToMs } from "./values.ts";
import { readXml, type XmlAttributes, type XmlVisitor } from "./xml.ts";

interface OpenSuite {
  /** The names of this suite and those around it, outermost first, joined by " > " (empty names left out). */
  path: string;
  file?: string;
  properties: Record<string, string>;
}

/** Streams a JUnit XML report's tests to `onBatch` as they complete (root <testsuites> or <testsuite>). */
export async function streamJUnit(
  input: ReportInput,
  limits: ParseLimits,
  onBatch: BatchConsumer,
  fold = true,
): Promise<StreamSummary> {
  const folder = new TestFolder(limits, onBatch, fold);
  const suites: ParsedSuite[] = [];
  const open: OpenSuite[] = [];
  // The testcase being read. Testcases do not nest, so its fields live here and its JUnitCase is reused:
  // nothing is allocated per testcase beyond what the report keeps.
  const result = new JUnitCase(limits.maxTextLength);
  let inCase = false;
  let caseSuite = "";
  let caseName: string | undefined;
  let caseFile: string | undefined;
  let caseLine: number | undefined;
  let caseProperties = NO_PROPERTIES;
  let property: { name: string; into: Record<string, string> } | undefined;

  const visitor: XmlVisitor = {
    open(name, attributes, depth) {
      if (depth === 0 && name !== "testsuites" && name !== "testsuite") {
        throw new ReportParseError("not_a_report", `not a JUnit report: root element <${name}>`);
      }
      if (inCase) {
        if (name !== "property") return result.open(name, attributes);
        if (attributes.name === undefined) return false;
        if (caseProperties === NO_PROPERTIES) caseProperties = {};
        return startProperty(attributes, caseProperties);
      }
      if (name === "testsuite") openSuite(attributes);
      else if (name === "testcase") openCase(attributes);
      else if (name === "property" && open.length > 0)
        return startProperty(attributes, open[open.length - 1].properties);
      return false;
    },
    close(name, text) {
      if (name === "property" && property) {
        if (text !== undefined) property.into[property.name] = text.trim();
        property = undefined;
      } else if (name === "testcase" && inCase) {
        // A testcase without a name is named by its position (TestFolder.add), not dropped unseen.
        folder.add(caseSuite, caseName ?? "", caseFile, caseLine, caseProperties, result.attempts());
        inCase = false;
      } else if (inCase) {
        result.close(name, text);
      } else if (name === "testsuite") {
        open.pop();
      }
    },
    flush: () => folder.flush(),
  };

  function openSuite(attributes: XmlAttributes): void {
    const { timestamp, hostname } = attributes;
    const suite: ParsedSuite = {
      name: folder.suiteNames.intern(attributes.name ?? ""),
      declaredTests: count(attributes.tests),
      durationMs: secondsToMs(attributes.time),
      timestamp: timestamp === undefined ? undefined : detach(timestamp),
      hostname: hostname === undefined ? undefined : detach(hostname),
      properties: {},
    };
    suites.push(suite);
    const file = attributes.file;
    const outer = open[open.length - 1]?.path ?? "";
    const path =
      outer === "" || suite.name === "" ? outer || suite.name : folder.suiteNames.intern(`${outer} > ${suite.name}`);
    open.push({
      path,
      file: file === undefined ? open[open.length - 1]?.file : folder.fileNames.intern(file),
      properties: suite.properties,
    });
  }

  function openCase(attributes: XmlAttributes): void {
    const enclosing = open[open.length - 1];
    // Without a classname the suite path tells tests apart: PHPUnit/Selenium runs a class once per browser
    // in suites "Class: chrome" and "Class: firefox" around same-named inner suites and testcases.
    caseSuite = attributes.classname || attributes.class || enclosing?.path || "";
    caseName = attributes.name;
    caseFile = attributes.file || attributes.filepath || enclosing?.file || undefined;
    caseLine = lineNumber(attributes.line);
    caseProperties = NO_PROPERTIES;
    result.start(attributes);
    inCase = true;
  }

  function startProperty(attributes: XmlAttributes, into: Record<string, string>): boolean {
    if (attributes.name === undefined) return false;
    const key = detach(attributes.name);
    if (attributes.value !== undefined) {
      into[key] = detach(attributes.value);
      return false;
    }
    property = { name: key, into }; // the value is the element's text
    return true;
  }

  await readXml(input, limits, visitor);
  return folder.finish("junit", suites);
}

/** Parses a JUnit XML report whole (root <testsuites> or <testsuite>). */
export const parseJUnit = collecting(streamJUnit);
