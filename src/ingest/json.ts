/** Reads a bounded JSON document: refuses empty, malformed and too deeply nested input with clear errors. */
import type { ParseLimits } from "../model/limits.ts";
import { asReportParseError, ReportParseError } from "./errors.ts";
import { createDecoder, sniffEncoding } from "./encoding.ts";
import { readAll, type ReportInput } from "./input.ts";

/** The parsed JSON value of the whole input (JSON.parse within the byte limit). */
export async function readJson(input: ReportInput, limits: ParseLimits): Promise<unknown> {
  const bytes = await readAll(input, limits.maxBytes);
  const text = createDecoder(sniffEncoding(bytes)).decode(bytes);
  if (text.trim() === "") throw new ReportParseError("empty", "report is empty");
  checkDepth(text, limits.maxDepth);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw asReportParseError(error, "malformed", "malformed JSON");
  }
}

// JSON.parse has no depth limit of its own; one pass over the brackets outside strings gives one.
function checkDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > maxDepth)
        throw new ReportParseError("limit_exceeded", `JSON nesting deeper than ${maxDepth} levels`);
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
}
