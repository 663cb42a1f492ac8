import { describe, expect, it } from "vitest";
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from "../model/limits.ts";
import { bytes, chunked, parseError } from "../../test/helpers/ingest.ts";
import { readXml } from "./xml.ts";
import type { ReportInput } from "./input.ts";

interface Seen {
  opened: string[];
  texts: Record<string, string | undefined>;
}

async function read(input: ReportInput, limits: Partial<ParseLimits> = {}, collect = ["text"]): Promise<Seen> {
  const seen: Seen = { opened: [], texts: {} };
  await readXml(
    input,
    { ...DEFAULT_PARSE_LIMITS, ...limits },
    {
      open: (name) => {
        seen.opened.push(name);
        return collect.includes(name);
      },
      close: (name, text) => {
        if (collect.includes(name)) seen.texts[name] = text;
      },
    },
  );
  return seen;
}

describe("readXml", () => {
  it("streams elements and collects text only where asked, CDATA included", async () => {
    const seen = await read(bytes("<a><text>x &amp; <![CDATA[<y>]]></text><b>ignored</b></a>"));
    expect(seen.opened).toEqual(["a", "text", "b"]);
    expect(seen.texts).toEqual({ text: "x & <y>" });
  });

  it("decodes UTF-8 split across chunks, one byte at a time", async () => {
    const seen = await read(chunked(bytes("<a><text>héllo ✓ 😀</text></a>"), 1));
    expect(seen.texts.text).toBe("héllo ✓ 😀");
  });

  it.each([
    ["UTF-8 with BOM", Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes("<a><text>é</text></a>")])],
    ["UTF-16LE with BOM", Uint8Array.from([0xff, 0xfe, ...utf16le("<a><text>é</text></a>")])],
    ["UTF-16LE without BOM", Uint8Array.from(utf16le("<a><text>é</text></a>"))],
    [
      "ISO-8859-1 declared",
      Uint8Array.from([
        ...bytes('<?xml version="1.0" encoding="ISO-8859-1"?><a><text>'),
        0xe9,
        ...bytes("</text></a>"),
      ]),
    ],
  ])("reads %s", async (_encoding, data) => {
    expect((await read(data)).texts.text).toBe("é");
  });

  it("truncates long text with a marker instead of failing", async () => {
    const seen = await read(bytes(`<a><text>${"x".repeat(100)}</text></a>`), { maxTextLength: 10 });
    expect(seen.texts.text).toBe(`${"x".repeat(10)}\n…[truncated 90 characters]`);
  });

  it("refuses a DOCTYPE, so no entity can expand (billion laughs, XXE)", async () => {
    const laughs = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>';
    const error = await parseError(read(bytes(laughs)));
    expect(error).toMatchObject({ code: "doctype_refused", status: 400 });
    expect(error.message).toMatch(/DOCTYPE/);
  });

  it("refuses nesting deeper than the limit, naming the limit and the line", async () => {
    const error = await parseError(read(bytes(`<a>\n<b>\n<c><d/></c></b></a>`), { maxDepth: 3 }));
    expect(error).toMatchObject({ code: "limit_exceeded", status: 413 });
    expect(error.message).toBe("XML nesting deeper than 3 levels at line 3");
  });

  it.each([
    ["long names", `<${"n".repeat(20)}/>`, { maxNameLength: 10 }, /name longer than 10/],
    ["many attributes", `<a x="1" y="2" z="3"/>`, { maxAttributes: 2 }, /more than 2 attributes on <a>/],
    [
      "long attribute values",
      `<a x="${"v".repeat(20)}"/>`,
      { maxAttributeLength: 10 },
      /attribute x on <a> longer than 10/,
    ],
    ["oversized input", `<a>${" ".repeat(100)}</a>`, { maxBytes: 50 }, /larger than the limit of 50 bytes/],
  ])("refuses %s with 413", async (_what, xml, limits, message) => {
    const error = await parseError(read(bytes(xml), limits));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(message);
  });

  it.each([
    ["text after the root", "<a/>trailing", /text data outside of root node/],
    ["a second root", "<a/><b/>", /root/],
    ["an unclosed tag", "<a><b></a>", /unexpected close tag|unclosed/],
    ["an undefined entity", "<a>&nope;</a>", /undefined entity/],
  ])("refuses %s as malformed (400)", async (_what, xml, message) => {
    const error = await parseError(read(bytes(xml)));
    expect(error).toMatchObject({ code: "malformed", status: 400 });
    expect(error.message).toMatch(message);
  });

  it("calls whitespace-only input empty", async () => {
    expect(await parseError(read(bytes("  \n ")))).toMatchObject({ code: "empty", status: 400 });
  });
});

function utf16le(text: string): number[] {
  return [...text].flatMap((char) => [char.charCodeAt(0) & 0xff, char.charCodeAt(0) >> 8]);
}
