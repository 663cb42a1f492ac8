/**
 * Failure fingerprints: the same failure, recognisable across runs. Volatile parts (times, durations,
 * ids, addresses, ports, temp paths, line numbers) are masked and only the top of the stack is kept.
 */
import { createHash } from "node:crypto";

/** Stack frames kept: the ones nearest the failure say what broke; deeper ones are runner noise. */
const TOP_FRAMES = 5;
/** Message characters kept: long diffs add nothing to recognising the failure. */
const MESSAGE_CHARS = 1000;

// Order matters: whole timestamps before bare numbers, paths before line numbers.
const MASKS: [RegExp, string][] = [
  [/\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?/g, "<time>"],
  [/\b\d{1,2}:\d\d:\d\d(?:[.,]\d+)?\b/g, "<time>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  [
    /(?:\/tmp|\/var\/folders|\/private\/var\/folders|[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp|[A-Za-z]:\\Windows\\Temp)[^\s'"`)\]]*/g,
    "<tmp>",
  ],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<id>"],
  [/\b\d+(?:\.\d+)?\s?(?:ms|milliseconds?|µs|us|ns|s|secs?|seconds?|mins?|minutes?|h|hours?)\b/gi, "<duration>"],
  [/:\d+:\d+\b/g, ":<line>"],
  [/(\.[A-Za-z]{1,6}):\d+\b/g, "$1:<line>"],
  [/\bline\s+\d+/gi, "line <line>"],
  [/((?:localhost|\b\d{1,3}(?:\.\d{1,3}){3}|\])):\d{2,5}\b/g, "$1:<port>"],
  [/\bport\s+\d+/gi, "port <port>"],
  [/(["'])\d+(?:\.\d+)?\1/g, "$1<n>$1"],
  [/\b\d{4,}\b/g, "<n>"],
];

function mask(text: string): string {
  let masked = text;
  for (const [pattern, replacement] of MASKS) masked = masked.replace(pattern, replacement);
  return masked.replace(/[ \t]+/g, " ").trim();
}

// Lines that look like stack frames in the common runtimes (JS, JVM, .NET, Python, Go, Ruby, PHP).
const FRAME =
  /^\s*(?:at\s|File\s"|#\d+\s|\S+\.(?:java|kt|scala|py|js|mjs|cjs|ts|tsx|cs|go|rb|php|rs|swift)\b|\S+\(.*\)$)/;

function topFrames(stack: string): string[] {
  const lines = stack.split(/\r?\n/).filter((line) => line.trim() !== "");
  const frames = lines.filter((line) => FRAME.test(line));
  if (frames.length === 0) return lines.slice(0, TOP_FRAMES);
  // Python prints the innermost frame last ("most recent call last").
  const innermostLast = /most recent call last/.test(stack);
  return innermostLast ? frames.slice(-TOP_FRAMES) : frames.slice(0, TOP_FRAMES);
}

/** The failure with its volatile parts masked: the message, then the top stack frames. */
export function normalizeFailure(message: string, stack: string): string {
  const frames = topFrames(stack).map(mask);
  return [mask(message.slice(0, MESSAGE_CHARS)), ...frames].join("\n");
}

/** A short stable hash of (type, normalised message and stack): equal for the same failure across runs. */
export function failureFingerprint(type: string, message: string, stack: string): string {
  const normalized = `${type.trim()}\n${normalizeFailure(message, stack)}`;
  return createHash("sha256").update(normalized).digest("hex").slice(0, 16);
}
