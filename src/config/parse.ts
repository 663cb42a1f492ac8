import { ConfigError } from "../lib/errors.ts";
import type { Setting } from "./settings.ts";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Reads one setting's value from text or a config-file value; throws ConfigError naming `where`. */
export function parseSetting(s: Setting, raw: unknown, where: string): string | number | boolean {
  const fail = (why: string): never => {
    throw new ConfigError(`${where}: ${why}, got ${JSON.stringify(raw)}`);
  };
  switch (s.type) {
    case "string":
      if (typeof raw !== "string") fail("must be a string");
      if (s.pattern && !s.pattern.re.test(raw as string)) {
        throw new ConfigError(`${where}: ${s.pattern.says}`); // no value echoed: it may be a secret
      }
      return raw as string;
    case "enum":
      if (typeof raw !== "string" || !s.values!.includes(raw)) fail(`must be one of ${s.values!.join(", ")}`);
      return raw as string;
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "string" && /^(true|1|yes|on)$/i.test(raw)) return true;
      if (typeof raw === "string" && /^(false|0|no|off)$/i.test(raw)) return false;
      return fail("must be true or false");
    case "integer": {
      const n =
        typeof raw === "number" ? raw : typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) fail("must be an integer");
      return inRange(s, n, fail);
    }
    case "bytes": {
      if (typeof raw === "number" && Number.isSafeInteger(raw)) return inRange(s, raw, fail);
      const m = typeof raw === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw) : null;
      const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
      if (!m || unit === undefined) return fail("must be a size such as 1048576, 512KiB or 100MiB");
      return inRange(s, Math.floor(Number(m[1]) * unit), fail);
    }
  }
}

function inRange(s: Setting, n: number, fail: (why: string) => never): number {
  if (s.min !== undefined && n < s.min) fail(`must be at least ${s.min}`);
  if (s.max !== undefined && n > s.max) fail(`must be at most ${s.max}`);
  return n;
}
