/** Picks the text encoding of a report from its first bytes: BOM, UTF-16 without BOM, or the XML declaration. */

/** A TextDecoder label for the bytes, defaulting to UTF-8 (which also drops a UTF-8 BOM). */
export function sniffEncoding(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  // "<" or "{" then NUL: UTF-16 without a byte order mark.
  if (head[1] === 0x00 && head[0] !== 0x00) return "utf-16le";
  if (head[0] === 0x00 && head[1] !== 0x00) return "utf-16be";
  return declaredEncoding(head) ?? "utf-8";
}

// Only ASCII-compatible declarations matter here: UTF-16 was settled by the bytes above.
const XML_DECLARATION = /^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/;

function declaredEncoding(head: Uint8Array): string | undefined {
  const start = new TextDecoder("latin1").decode(head.subarray(0, 256));
  const label = XML_DECLARATION.exec(start)?.[1]?.toLowerCase();
  if (!label || label.startsWith("utf-16")) return undefined;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined; // an unknown label: read as UTF-8 rather than refuse
  }
}

/** A streaming decoder for the encoding (multi-byte characters may be split across chunks). */
export function createDecoder(encoding: string): TextDecoder {
  return new TextDecoder(encoding, { fatal: false });
}
