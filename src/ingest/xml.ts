/**
 * A safe streaming XML reader over saxes: no DTD (so no entity expansion, XXE or billion laughs), bounded
 * depth, names, attributes and text, and never a DOM — the visitor sees tags as they stream past.
 */
import { SaxesParser } from "saxes";
import type { ParseLimits } from "../model/limits.ts";
import { ReportParseError } from "./errors.ts";
import { createDecoder, sniffEncoding } from "./encoding.ts";
import { boundedChunks, concatBytes, type ReportInput } from "./input.ts";
import { BoundedText } from "./bounded-text.ts";

/** Attributes of one start tag, by name. */
export type XmlAttributes = Readonly<Record<string, string>>;

/** Receives the document as it streams; may throw ReportParseError to stop reading. */
export interface XmlVisitor {
  /** A start tag at `depth` (0 is the root); return true to collect this element's own text. */
  open(name: string, attributes: XmlAttributes, depth: number): boolean;
  /** The matching end tag, with the element's text when it was collected (bounded, cut with a marker). */
  close(name: string, text: string | undefined, depth: number): void;
}

// Enough bytes to see a BOM and the XML declaration before choosing a decoder.
const SNIFF_BYTES = 256;

/** Streams `input` through the visitor; throws ReportParseError on malformed or hostile XML. */
export async function readXml(input: ReportInput, limits: ParseLimits, visitor: XmlVisitor): Promise<void> {
  const parser = createParser(limits, visitor);
  let decoder: TextDecoder | undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const chunk of boundedChunks(input, limits.maxBytes)) {
    if (decoder) {
      parser.write(decoder.decode(chunk, { stream: true }));
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes < SNIFF_BYTES) continue;
    const head = concatBytes(pending);
    pending = [];
    decoder = createDecoder(sniffEncoding(head));
    parser.write(decoder.decode(head, { stream: true }));
  }
  if (!decoder) {
    const head = concatBytes(pending.length > 0 ? pending : [new Uint8Array(0)]);
    decoder = createDecoder(sniffEncoding(head));
    parser.write(decoder.decode(head, { stream: true }));
  }
  parser.write(decoder.decode());
  parser.close();
}

function createParser(limits: ParseLimits, visitor: XmlVisitor): SaxesParser {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const collected: (BoundedText | undefined)[] = [];
  let depth = 0;
  let sawRoot = false;
  const where = (): string => `at line ${parser.line}`;
  parser.on("doctype", () => {
    throw new ReportParseError("doctype_refused", `DOCTYPE declarations are refused (no DTDs or entities) ${where()}`);
  });
  parser.on("error", (error) => {
    if (!sawRoot && /root element/.test(error.message)) throw new ReportParseError("empty", "report is empty: no XML element");
    throw new ReportParseError("malformed", `malformed XML ${where()}: ${error.message.replace(/^\d+:\d+: /, "")}`);
  });
  parser.on("opentag", (node) => {
    if (depth >= limits.maxDepth) {
      throw new ReportParseError("limit_exceeded", `XML nesting deeper than ${limits.maxDepth} levels ${where()}`);
    }
    checkTag(node.name, node.attributes as XmlAttributes, limits, where);
    sawRoot = true;
    collected[depth] = visitor.open(node.name, node.attributes as XmlAttributes, depth)
      ? new BoundedText(limits.maxTextLength)
      : undefined;
    depth++;
  });
  parser.on("closetag", (node) => {
    depth--;
    const text = collected[depth];
    collected[depth] = undefined;
    visitor.close(node.name, text?.toString(), depth);
  });
  const onText = (text: string): void => {
    if (depth > 0) collected[depth - 1]?.append(text);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  return parser;
}

function checkTag(name: string, attributes: XmlAttributes, limits: ParseLimits, where: () => string): void {
  if (name.length > limits.maxNameLength) {
    throw new ReportParseError("limit_exceeded", `XML name longer than ${limits.maxNameLength} characters ${where()}`);
  }
  let attributeCount = 0;
  for (const key in attributes) {
    if (++attributeCount > limits.maxAttributes) {
      throw new ReportParseError("limit_exceeded", `more than ${limits.maxAttributes} attributes on <${name}> ${where()}`);
    }
    if (key.length > limits.maxNameLength) {
      throw new ReportParseError("limit_exceeded", `XML name longer than ${limits.maxNameLength} characters ${where()}`);
    }
    if (attributes[key].length > limits.maxAttributeLength) {
      throw new ReportParseError(
        "limit_exceeded",
        `attribute ${key} on <${name}> longer than ${limits.maxAttributeLength} characters ${where()}`,
      );
    }
  }
}
