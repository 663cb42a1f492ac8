import pino, { type Logger } from "pino";

export type { Logger };

/** Paths pino must never print: credentials in headers, tokens, secrets, database passwords. */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "authorization",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "adminToken",
  "*.adminToken",
];

/** A JSON logger to the given stream (stdout by default), credentials redacted. */
export function createLogger(level: string, stream?: NodeJS.WritableStream): Logger {
  return pino({ level, base: undefined, redact: { paths: REDACT, censor: "[redacted]" } }, stream ?? process.stdout);
}
