/** Errors that carry an HTTP status and a stable code; the HTTP layer renders them as JSON. */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** A configuration problem: the process stops with one line naming the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** A problem that stops a command with one line and a non-zero exit (no stack unless --debug). */
export class FatalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FatalError";
  }
}

/** 404 with a message naming what was not found. */
export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found`);
