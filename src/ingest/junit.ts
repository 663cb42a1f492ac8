/**
 * JUnit XML in its real dialects: Surefire/Gradle (flaky and rerun elements), pytest, jest-junit, mocha,
 * Playwright, go-junit-report/gotestsum, PHPUnit (nested suites, file), googletest, Bazel.
 */
import type { ParseLimits } from "../model/limits.ts";
import type { ParsedReport, ParsedSuite } from "../model/report.ts";
import { ReportParseError } from "./errors.ts";
import { TestFolder } from "./fold.ts";
import type { ReportInput } from "./input.ts";
import { JUnitCase } from "./junit-case.ts";
import { count, lineNumber, secondsToMs } from "./values.ts";
import { readXml, type XmlAttributes, type XmlVisitor } from "./xml.ts";

interface OpenSuite {
  name: string;
  file?: string;
  properties: Record<string, string>;
}

interface OpenCase {
  suite: string;
  name: string | undefined;
  file?: string;
  line?: number;
  properties: Record<string, string>;
  result: JUnitCase;
}

/** Parses a JUnit XML report (root <testsuites> or <testsuite>). */
export async function parseJUnit(input: ReportInput, limits: ParseLimits): Promise<ParsedReport> {
  const folder = new TestFolder(limits);
  const suites: ParsedSuite[] = [];
  const open: OpenSuite[] = [];
  let testcase: OpenCase | undefined;
  let property: { name: string; into: Record<string, string> } | undefined;

  const visitor: XmlVisitor = {
    open(name, attributes, depth) {
      if (depth === 0 && name !== "testsuites" && name !== "testsuite") {
        throw new ReportParseError("not_a_report", `not a JUnit report: root element <${name}>`);
      }
      if (testcase) {
        if (name === "property") return startProperty(attributes, testcase.properties);
        return testcase.result.open(name, attributes);
      }
      if (name === "testsuite") openSuite(attributes);
      else if (name === "testcase") testcase = openCase(attributes);
      else if (name === "property" && open.length > 0) return startProperty(attributes, open[open.length - 1].properties);
      return false;
    },
    close(name, text) {
      if (name === "property" && property) {
        if (text !== undefined) property.into[property.name] = text.trim();
        property = undefined;
      } else if (name === "testcase" && testcase) {
        closeCase(testcase);
        testcase = undefined;
      } else if (testcase) {
        testcase.result.close(name, text);
      } else if (name === "testsuite") {
        open.pop();
      }
    },
  };

  function openSuite(attributes: XmlAttributes): void {
    const suite: ParsedSuite = {
      name: attributes.name ?? "",
      declaredTests: count(attributes.tests),
      durationMs: secondsToMs(attributes.time),
      timestamp: attributes.timestamp,
      hostname: attributes.hostname,
      properties: {},
    };
    suites.push(suite);
    open.push({ name: suite.name, file: attributes.file ?? open[open.length - 1]?.file, properties: suite.properties });
  }

  function openCase(attributes: XmlAttributes): OpenCase {
    const enclosing = open[open.length - 1];
    return {
      suite: attributes.classname || attributes.class || enclosing?.name || "",
      name: attributes.name,
      file: attributes.file || attributes.filepath || enclosing?.file || undefined,
      line: lineNumber(attributes.line),
      properties: {},
      result: new JUnitCase(attributes, limits.maxTextLength),
    };
  }

  function startProperty(attributes: XmlAttributes, into: Record<string, string>): boolean {
    if (attributes.name === undefined) return false;
    if (attributes.value !== undefined) {
      into[attributes.name] = attributes.value;
      return false;
    }
    property = { name: attributes.name, into }; // the value is the element's text
    return true;
  }

  function closeCase({ suite, name, file, line, properties, result }: OpenCase): void {
    // A testcase without a name cannot be told apart from any other: skipped, as other tools do.
    if (!name) return;
    folder.add({ suite, name, file, line, properties, attempts: result.attempts() });
  }

  await readXml(input, limits, visitor);
  return folder.finish("junit", suites);
}
