/** Which format a report is: the explicit `format=` wins, then the content type, then the first bytes. */
import type { ReportFormat } from "../model/report.ts";
import { ReportParseError } from "./errors.ts";
import { createDecoder, sniffEncoding } from "./encoding.ts";
import { FORMATS } from "./format-table.ts";

/** What the uploader said about the report. */
export interface DetectOptions {
  /** `format=` query value: a format name, or "auto"/absent to detect. */
  format?: string;
  /** The Content-Type header, parameters allowed. */
  contentType?: string;
}

/** Bytes read to sniff a format: enough to get past an XML declaration and comments. */
export const SNIFF_BYTES = 8 * 1024;

// Content types that say nothing about the format: sniff.
const GENERIC_TYPES = new Set(["", "application/octet-stream", "text/plain", "binary/octet-stream"]);

/** The format of a report from its first bytes and what the uploader said; throws 4xx ReportParseError. */
export function detectFormat(head: Uint8Array, options: DetectOptions = {}): ReportFormat {
  const named = options.format?.trim().toLowerCase();
  if (named && named !== "auto") {
    if (isFormat(named)) return named;
    throw new ReportParseError(
      "unsupported_format",
      `unknown format "${options.format}" (expected one of ${Object.keys(FORMATS).join(", ")}, auto)`,
    );
  }
  const mediaType = (options.contentType ?? "").split(";")[0].trim().toLowerCase();
  const sniffed = sniff(head);
  const isJson = FORMATS[sniffed].json === true;
  if (mediaType.endsWith("json") && !isJson) throw mismatch(mediaType, "XML");
  if (mediaType.endsWith("xml") && isJson) throw mismatch(mediaType, "JSON");
  if (!mediaType.endsWith("json") && !mediaType.endsWith("xml") && !GENERIC_TYPES.has(mediaType)) {
    throw new ReportParseError("unsupported_format", `unsupported content type ${mediaType}`);
  }
  return sniffed;
}

function isFormat(name: string): name is ReportFormat {
  return Object.hasOwn(FORMATS, name);
}

function mismatch(mediaType: string, body: string): ReportParseError {
  return new ReportParseError("unsupported_format", `content type ${mediaType} but the body is ${body}`);
}

function sniff(head: Uint8Array): ReportFormat {
  const text = createDecoder(sniffEncoding(head))
    .decode(head)
    .replace(/^[\s\ufeff]+/, "");
  if (text === "") throw new ReportParseError("empty", "report is empty");
  if (text.startsWith("{")) return formatWhere((entry) => entry.json === true)!;
  if (!text.startsWith("<")) {
    throw new ReportParseError(
      "unsupported_format",
      `unrecognised report format: starts with ${JSON.stringify(text.slice(0, 20))}`,
    );
  }
  const root = rootElement(text);
  const format = formatWhere((entry) => entry.xmlRoots?.includes(root) === true);
  if (!format) throw new ReportParseError("not_a_report", `not a test report: root element <${root}>`);
  return format;
}

function formatWhere(matches: (entry: (typeof FORMATS)[ReportFormat]) => boolean): ReportFormat | undefined {
  return (Object.keys(FORMATS) as ReportFormat[]).find((format) => matches(FORMATS[format]));
}

// Skips the XML declaration, processing instructions, comments and whitespace to the first tag's name.
const PROLOG = /^(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|\s+)*/;

function rootElement(text: string): string {
  const rest = text.slice(PROLOG.exec(text)![0].length);
  if (/^<!DOCTYPE/i.test(rest)) {
    throw new ReportParseError("doctype_refused", "DOCTYPE declarations are refused (no DTDs or entities)");
  }
  const name = /^<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(rest)?.[1];
  if (!name) {
    throw new ReportParseError("malformed", `malformed XML: no root element in the first ${SNIFF_BYTES} bytes`);
  }
  return name;
}
