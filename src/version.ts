import pkg from "../package.json" with { type: "json" };

/** FlakeGuard's version, from package.json (embedded in the bundle). */
export const VERSION: string = pkg.version;

/** The JavaScript runtime this process runs on, for build info and `version`. */
export function runtimeName(): string {
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  return deno ? `deno ${deno.version.deno}` : `node ${process.versions.node}`;
}
