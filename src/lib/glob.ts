// Globs for report files. Node ≥ 22 has fs.promises.glob and it is used there; the light CI client
// (GET /cli/flakeguard.js) also runs on Node 18 and 20, which lack it, so the same patterns are walked by hand.
import * as fsp from "node:fs/promises";
import { isAbsolute, join } from "node:path";

/** Tells which paths (relative to cwd, or absolute for an absolute pattern) to leave out, directories included. */
export type GlobExclude = (path: string) => boolean;

type NativeGlob = (pattern: string, options: { cwd: string; exclude?: GlobExclude }) => AsyncIterable<string>;

/** Paths matching `pattern` under `cwd`: `*`, `?`, `[abc]`, `{a,b}` within a segment, `**` across directories. */
export async function globPaths(pattern: string, cwd: string, exclude?: GlobExclude): Promise<string[]> {
  const native = (fsp as { glob?: NativeGlob }).glob;
  const found: string[] = [];
  if (typeof native === "function") {
    for await (const match of native(pattern, { cwd, exclude })) found.push(match);
    return found;
  }
  return walkGlob(pattern, cwd, exclude);
}

/** The hand-made walk behind globPaths, exported for its tests (they compare it with fs.promises.glob). */
export async function walkGlob(pattern: string, cwd: string, exclude?: GlobExclude): Promise<string[]> {
  const absolute = isAbsolute(pattern);
  const segments = pattern.split("/").filter((s, i) => s !== "" && !(s === "." && i > 0));
  if (segments[0] === ".") segments.shift();
  const found = new Set<string>();
  const base = absolute ? "/" : "";
  await walk(absolute ? "/" : cwd, base, segments.map(segmentMatcher), found, exclude);
  return [...found];
}

type Segment = "**" | RegExp | string;

async function walk(
  dir: string,
  shown: string,
  rest: Segment[],
  found: Set<string>,
  exclude?: GlobExclude,
): Promise<void> {
  if (rest.length === 0) {
    if (shown !== "" && shown !== "/") found.add(shown);
    return;
  }
  const [head, ...tail] = rest;
  const child = (name: string) => (shown === "" ? name : shown.endsWith("/") ? shown + name : `${shown}/${name}`);
  if (typeof head === "string" && head !== "**") {
    // A literal segment: no directory listing needed ("reports/junit.xml", "..").
    const path = child(head);
    if (exclude?.(path)) return;
    const exists = await fsp.stat(join(dir, head)).then(
      () => true,
      () => false,
    );
    if (exists) await walk(join(dir, head), path, tail, found, exclude);
    return;
  }
  if (head === "**") await walk(dir, shown, tail, found, exclude); // zero directories
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = child(entry.name);
    if (exclude?.(path)) continue;
    if (head === "**") {
      if (entry.name.startsWith(".")) continue;
      // A directory may hold more of the path; a file can only be the match of what follows `**`.
      await walk(join(dir, entry.name), path, entry.isDirectory() ? rest : tail, found, exclude);
    } else if (head.test(entry.name)) {
      await walk(join(dir, entry.name), path, tail, found, exclude);
    }
  }
}

/** `**`, a literal name, or a regular expression for one path segment. */
function segmentMatcher(segment: string): Segment {
  if (segment === "**") return "**";
  if (!/[*?[{]/.test(segment)) return segment;
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${body}]`;
        i = end;
      }
    } else if (c === "{") {
      const end = segment.indexOf("}", i);
      if (end === -1) source += "\\{";
      else {
        const options = segment.slice(i + 1, end).split(",");
        source += `(?:${options
          .map((o) =>
            o
              .replace(/[.+^$()|\\]/g, "\\$&")
              .replace(/\*/g, "[^/]*")
              .replace(/\?/g, "[^/]"),
          )
          .join("|")})`;
        i = end;
      }
    } else source += c.replace(/[.+^$()|\\\]}]/g, "\\$&");
  }
  // A wildcard never matches a leading dot unless the pattern spells it out (as shells and fs.glob do).
  const dot = segment.startsWith(".") ? "" : "(?!\\.)";
  return new RegExp(`^${dot}${source}$`);
}
