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
  const unavailable = isDatabaseUnavailable(err);
  log.error({ err, path: c.req.path }, unavailable ? "database unavailable" : "unhandled error");
  if (unavailable) {
    c.header("Retry-After", "5");
    return c.json(errorBody("unavailable", "the database is unavailable; retry shortly"), 503);
  }
  return c.json(errorBody("internal", "internal server error"), 500);
}

function isDatabaseUnavailable(err: Error): boolean {
  const code = (err as { code?: string }).code ?? (err.cause as { code?: string } | undefined)?.code;
  return ["ECONNREFUSED", "ECONNRESET", "57P01", "57P03", "08006", "08001", "SQLITE_BUSY", "SQLITE_FULL"].includes(code ?? "");
}
