import { AppError } from "../lib/errors.ts";

/** An opaque keyset cursor: the sort it belongs to, the last item's sort value and id. */
export function encodeCursor(sort: string, value: number, id: string): string {
  return Buffer.from(JSON.stringify([sort, value, id])).toString("base64url");
}

/** Reads a cursor made by encodeCursor for the same sort; 400 for anything else. */
export function decodeCursor(cursor: string, sort: string): { value: number; id: string } {
  try {
    const [s, value, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, number, string];
    if (s === sort && typeof value === "number" && typeof id === "string") return { value, id };
  } catch {
    // fall through to the 400
  }
  throw new AppError(400, "invalid_request", "query.cursor: not a cursor of this listing (start again without it)");
}
