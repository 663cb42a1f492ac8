import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";

/** The JSON error body every API error has: `{"error": {"code", "message"}}`. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Turns a zod validation failure into a 400 naming the first offending field. */
export function validationError(error: ZodError, where: string): AppError {
  const issue = error.issues[0];
  const target = ({ json: "body", param: "path", form: "body" } as Record<string, string>)[where] ?? where;
  const path = [target, ...issue.path.map(String)].join(".");
  const extra = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return new AppError(400, "invalid_request", `${path}: ${issue.message}${extra}`);
}

/** Renders any error as the JSON error shape; unexpected ones are logged and answered 500. */
export function renderError(err: Error, c: Context, log: Logger) {
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
    return c.json(errorBody(err.code, err.message), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    const code = err.status === 413 ? "payload_too_large" : err.status === 400 ? "invalid_request" : "http_error";
    return c.json(errorBody(code, err.message || "request refused"), err.status);
  }
  if (isStorageFull(err)) {
    log.error({ err, path: c.req.path }, "storage full");
    c.header("Retry-After", "60");
    return c.json(
      errorBody("insufficient_storage", "the server's disk is full; nothing was stored; retry when space is freed"),
      507,
    );
  }
  const unavailable = isDatabaseUnavailable(err);
  log.error({ err, path: c.req.path }, unavailable ? "database unavailable" : "unhandled error");
  if (unavailable) {
    c.header("Retry-After", "5");
    return c.json(errorBody("unavailable", "the database is unavailable; retry shortly"), 503);
  }
  return c.json(errorBody("internal", "internal server error"), 500);
}

/** The error and its causes (drizzle wraps the driver's error), a few levels deep. */
function causes(err: unknown): { code?: string; message?: string }[] {
  const chain: { code?: string; message?: string }[] = [];
  for (let e = err; e && typeof e === "object" && chain.length < 5; e = (e as { cause?: unknown }).cause)
    chain.push(e as { code?: string; message?: string });
  return chain;
}

// node-postgres reports a lost connection in plain messages without a code.
const LOST_CONNECTION = /Connection terminated|not queryable|timeout exceeded when trying to connect|connection error/i;
const UNAVAILABLE_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
];

function isDatabaseUnavailable(err: Error): boolean {
  // Class 08 is PostgreSQL's "connection exception".
  return causes(err).some(
    (e) =>
      UNAVAILABLE_CODES.includes(e.code ?? "") || /^08/.test(e.code ?? "") || LOST_CONNECTION.test(e.message ?? ""),
  );
}

/** A full disk: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100), the file system's ENOSPC. */
export function isStorageFull(err: Error): boolean {
  return causes(err).some(
    (e) =>
      ["SQLITE_FULL", "53100", "ENOSPC"].includes(e.code ?? "") ||
      /database or disk is full|No space left on device/i.test(e.message ?? ""),
  );
}
