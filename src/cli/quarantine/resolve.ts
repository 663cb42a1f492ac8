import { FatalError } from "../../lib/errors.ts";
import type { ApiTarget } from "./client.ts";
import { callApi } from "./client.ts";
import type { SendDeps } from "../upload/send.ts";

/** Pages of the test search read before giving up; a name matching more than this many tests is not unique anyway. */
const MAX_PAGES = 10;

interface ListedTest {
  id: string;
  suite: string;
  name: string;
  file: string;
}

/**
 * A test id as given, or the id of the one test whose suite and name are exactly `suite::name`. Suites and
 * names may themselves contain "::" (Rust modules, C++ namespaces), so the search uses the part after the
 * last "::" — a substring of every possible name — and the exact comparison is on the whole string.
 */
export async function resolveTestId(target: ApiTarget, deps: SendDeps, given: string): Promise<string> {
  if (!given.includes("::")) return given;
  const q = given.slice(given.lastIndexOf("::") + 2) || given;
  const matches: ListedTest[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ q: q.slice(0, 200), limit: "500" });
    if (cursor) query.set("cursor", cursor);
    const body = JSON.parse(await callApi(target, deps, "GET", `/tests?${query}`)) as {
      tests?: ListedTest[];
      nextCursor?: string | null;
    };
    matches.push(...(body.tests ?? []).filter((t) => `${t.suite}::${t.name}` === given));
    cursor = body.nextCursor ?? null;
    if (!cursor) break;
  }
  if (matches.length === 0)
    throw new FatalError(`no test '${given}' in project ${target.project} (suite and name must match exactly)`);
  if (matches.length > 1) {
    const ids = matches.map((t) => `${t.id} (${t.file || "no file"})`).join(", ");
    throw new FatalError(`'${given}' names ${matches.length} tests in different files; pass one id: ${ids}`);
  }
  return matches[0].id;
}
