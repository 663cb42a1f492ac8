/**
 * Visual Studio TRX: <UnitTestResult>s (with <InnerResults> for data rows and retries) joined to their
 * <UnitTest>/<TestMethod> definitions for the class name; results may come before the definitions.
 */
import type { ParseLimits } from "../model/limits.ts";
import type { Attempt, AttemptStatus } from "../model/report.ts";
import { ReportParseError } from "./errors.ts";
import { NO_PROPERTIES, TestFolder } from "./fold.ts";
import type { ReportInput } from "./input.ts";
import { lookupTable } from "./lookup.ts";
import { collecting, type BatchConsumer, type StreamSummary } from "./stream.ts";
import { isoSpanMs, timeSpanToMs } from "./values.ts";
import { readXml, type XmlVisitor } from "./xml.ts";

// Outcomes that ran to a verdict; the rest (NotExecuted, Aborted, NotRunnable, Inconclusive, Pending …)
// did not, and count as skipped.
const STATUS_BY_OUTCOME = lookupTable<AttemptStatus>({
  passed: "passed",
  passedbutrunaborted: "passed",
  completed: "passed",
  warning: "passed",
  failed: "failed",
  error: "error",
  timeout: "error",
  disconnected: "error",
});
const TEXT_ELEMENTS = lookupTable<"message" | "stack" | "stdout" | "stderr">({
  Message: "message",
  StackTrace: "stack",
  StdOut: "stdout",
  StdErr: "stderr",
});

interface PendingResult {
  testId: string;
  testName: string;
  attempt: Attempt;
  hasInner: boolean;
}

/**
 * Streams a Visual Studio TRX report's tests to `onBatch`. A result names its class only through a
 * definition that may come later in the file, so the results are held until the end and batched from there.
 */
export async function streamTrx(
  input: ReportInput,
  limits: ParseLimits,
  onBatch: BatchConsumer,
  fold = true,
): Promise<StreamSummary> {
  const results: PendingResult[] = [];
  const open: PendingResult[] = [];
  const classById = new Map<string, string>();
  let definitionId: string | undefined;

  const visitor: XmlVisitor = {
    open(name, attributes, depth) {
      if (depth === 0 && name !== "TestRun") {
        throw new ReportParseError("not_a_report", `not a TRX report: root element <${name}>`);
      }
      if (name === "UnitTestResult") {
        if (open.length > 0) open[open.length - 1].hasInner = true;
        const status = STATUS_BY_OUTCOME[(attributes.outcome ?? "").toLowerCase()] ?? "skipped";
        // Older MSTest writes no duration for tests that did not run: the start/end times still say it.
        const durationMs = timeSpanToMs(attributes.duration) ?? isoSpanMs(attributes.startTime, attributes.endTime);
        const attempt: Attempt = { status, durationMs };
        open.push({ testId: attributes.testId ?? "", testName: attributes.testName ?? "", attempt, hasInner: false });
        if (results.length + open.length > limits.maxTestcases) {
          throw new ReportParseError(
            "limit_exceeded",
            `more than ${limits.maxTestcases} test executions in one report`,
          );
        }
        return false;
      }
      if (name === "UnitTest") definitionId = attributes.id;
      else if (name === "TestMethod" && definitionId && attributes.className) {
        // MSTest writes assembly-qualified names: "Ns.Class, Assembly, Version=…".
        classById.set(definitionId, attributes.className.split(",")[0].trim());
      }
      return open.length > 0 && name in TEXT_ELEMENTS;
    },
    close(name, text) {
      if (name === "UnitTestResult") {
        const result = open.pop()!;
        // A result with inner results only sums them up: the inner ones are the executions.
        if (!result.hasInner) results.push(result);
      } else if (name === "UnitTest") {
        definitionId = undefined;
      } else if (open.length > 0 && TEXT_ELEMENTS[name] !== undefined) {
        const trimmed = text?.trim();
        if (trimmed) open[open.length - 1].attempt[TEXT_ELEMENTS[name]] = trimmed;
      }
    },
  };

  await readXml(input, limits, visitor);
  const folder = new TestFolder(limits, onBatch, fold);
  for (const { testId, testName, attempt } of results) {
    const suite = classById.get(testId) ?? "";
    // testName is often "Namespace.Class.Method": the suite already says the class.
    const name = suite && testName.startsWith(`${suite}.`) ? testName.slice(suite.length + 1) : testName;
    folder.add(suite, name, undefined, undefined, NO_PROPERTIES, [attempt]);
    await folder.flush();
  }
  return folder.finish("trx", []);
}

/** Parses a Visual Studio TRX report whole. */
export const parseTrx = collecting(streamTrx);
