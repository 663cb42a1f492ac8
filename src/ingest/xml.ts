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
  /** Called after each piece of input is read: a returned promise is awaited before reading on (batches out). */
  flush?(): Promise<void> | undefined;
}

// Enough bytes to see a BOM and the XML declaration before choosing a decoder.
const SNIFF_BYTES = 256;

// Input is fed to saxes in pieces of at most this many bytes, so a report given as one big buffer still
// hands its tests out as it goes instead of all after one huge write.
const PIECE_BYTES = 64 * 1024;

/** Streams `input` through the visitor; throws ReportParseError on malformed or hostile XML. */
export async function readXml(input: ReportInput, limits: ParseLimits, visitor: XmlVisitor): Promise<void> {
  const parser = createParser(limits, visitor);
  let decoder: TextDecoder | undefined;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const feed = async (bytes: Uint8Array, decoder: TextDecoder): Promise<void> => {
    for (let offset = 0; offset < bytes.byteLength; offset += PIECE_BYTES) {
      const piece = bytes.byteLength <= PIECE_BYTES ? bytes : bytes.subarray(offset, offset + PIECE_BYTES);
      parser.write(decoder.decode(piece, { stream: true }));
      const flushed = visitor.flush?.();
      if (flushed) await flushed;
    }
  };
  for await (const chunk of boundedChunks(input, limits.maxBytes)) {
    if (decoder) {
      await feed(chunk, decoder);
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes < SNIFF_BYTES) continue;
    const head = concatBytes(pending);
    pending = [];
    decoder = createDecoder(sniffEncoding(head));
    await feed(head, decoder);
  }
  if (!decoder) {
    const head = concatBytes(pending.length > 0 ? pending : [new Uint8Array(0)]);
    decoder = createDecoder(sniffEncoding(head));
    await feed(head, decoder);
  }
  parser.write(decoder.decode());
  parser.close();
}

function createParser(limits: ParseLimits, visitor: XmlVisitor): SaxesParser {
  const parser = new SaxesParser({ xmlns: false, position: true });
  // One slot per open element: its text while collected. Most elements collect nothing.
  const collected: (BoundedText | undefined)[] = [];
  let depth = 0;
  let sawRoot = false;
  // saxes builds no text strings at all while no text handler is set, so the handler is set only while the
  // innermost open element collects: the whitespace between tags (most of a report's text) is never built.
  let textOn = false;
  const onText = (text: string): void => {
    collected[depth - 1]?.append(text);
  };
  const syncText = (): void => {
    const wanted = depth > 0 && collected[depth - 1] !== undefined;
    if (wanted === textOn) return;
    textOn = wanted;
    if (wanted) parser.on("text", onText);
    else parser.off("text");
  };
  const where = (): string => `at line ${parser.line}`;
  parser.on("doctype", () => {
    throw new ReportParseError("doctype_refused", `DOCTYPE declarations are refused (no DTDs or entities) ${where()}`);
  });
  parser.on("error", (error) => {
    if (!sawRoot && /root element/.test(error.message))
      throw new ReportParseError("empty", "report is empty: no XML element");
    throw new ReportParseError("malformed", `malformed XML ${where()}: ${error.message.replace(/^\d+:\d+: /, "")}`);
  });
  // Attribute limits are checked as saxes reads each attribute, with no pass over the attributes object
  // afterwards (a for-in over saxes' null-prototype object allocates its key list on every tag). The first
  // violation is reported at the end of the start tag, where its name is known: exactly what a pass over
  // the attributes in order would find. (An "opentagstart" handler would give the name earlier, but
  // setting one makes V8 optimise saxes' main loop far worse: 3x slower.)
  let attributeCount = 0;
  let badAttribute: { problem: "count" | "name" | "length"; name: string } | undefined;
  parser.on("attribute", ({ name, value }) => {
    if (badAttribute !== undefined) return;
    if (++attributeCount > limits.maxAttributes) badAttribute = { problem: "count", name };
    else if (name.length > limits.maxNameLength) badAttribute = { problem: "name", name };
    else if (value.length > limits.maxAttributeLength) badAttribute = { problem: "length", name };
  });
  parser.on("opentag", (node) => {
    if (depth >= limits.maxDepth) {
      throw new ReportParseError("limit_exceeded", `XML nesting deeper than ${limits.maxDepth} levels ${where()}`);
    }
    if (node.name.length > limits.maxNameLength || badAttribute !== undefined)
      throw tagError(node.name, badAttribute, limits, where());
    attributeCount = 0;
    sawRoot = true;
    collected[depth] = visitor.open(node.name, node.attributes as XmlAttributes, depth)
      ? new BoundedText(limits.maxTextLength)
      : undefined;
    depth++;
    syncText();
  });
  parser.on("closetag", (node) => {
    depth--;
    const text = collected[depth];
    if (text !== undefined) collected[depth] = undefined;
    visitor.close(node.name, text?.toString(), depth);
    syncText();
  });
  // CDATA is built by saxes whether or not anyone listens, so this one can stay on.
  parser.on("cdata", (text) => {
    if (depth > 0) collected[depth - 1]?.append(text);
  });
  return parser;
}

function tagError(
  tag: string,
  bad: { problem: "count" | "name" | "length"; name: string } | undefined,
  limits: ParseLimits,
  where: string,
): ReportParseError {
  if (tag.length > limits.maxNameLength || bad?.problem === "name") {
    return new ReportParseError("limit_exceeded", `XML name longer than ${limits.maxNameLength} characters ${where}`);
  }
  if (bad?.problem === "count") {
    return new ReportParseError("limit_exceeded", `more than ${limits.maxAttributes} attributes on <${tag}> ${where}`);
  }
  return new ReportParseError(
    "limit_exceeded",
    `attribute ${bad?.name} on <${tag}> longer than ${limits.maxAttributeLength} characters ${where}`,
  );
}
