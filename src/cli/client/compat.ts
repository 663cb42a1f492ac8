// The light client (GET /cli/flakeguard.js) may be cached or committed by a CI setup and outlive the server
// it came from. Before it talks to a server it asks that server's version and refuses an incompatible one.
import type { SendDeps } from "../upload/send.ts";

/** How long the version question may take; an unanswered one lets the command go on and fail its own way. */
const VERSION_TIMEOUT_MS = 10_000;

/**
 * Whether a client of version `client` may talk to a server of version `server`: the same major version,
 * and, before 1.0, the same minor (the caret rule of semver: 0.x releases may change the API).
 */
export function compatibleVersions(client: string, server: string): boolean {
  const parse = (v: string) => /^v?(\d+)\.(\d+)/.exec(v.trim());
  const a = parse(client);
  const b = parse(server);
  if (!a || !b) return true; // an unreadable version says nothing against the pairing
  if (a[1] !== b[1]) return false;
  return a[1] !== "0" || a[2] === b[2];
}

/** The server's version from `GET /livez`; undefined when it cannot be read (an old server, a proxy, the network). */
export async function serverVersion(server: string, deps: SendDeps): Promise<string | undefined> {
  try {
    const response = await deps.fetch(`${server.replace(/\/+$/, "")}/livez`, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(VERSION_TIMEOUT_MS),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { version?: unknown };
    return typeof body.version === "string" ? body.version : undefined;
  } catch {
    return undefined;
  }
}

/** The --server of the command line (before a `--`), else FLAKEGUARD_SERVER. */
export function serverOf(args: string[], env: Record<string, string | undefined>): string | undefined {
  const own = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === "--server") return own[i + 1]?.trim() || undefined;
    if (own[i].startsWith("--server=")) return own[i].slice("--server=".length).trim() || undefined;
  }
  return env.FLAKEGUARD_SERVER?.trim() || undefined;
}
