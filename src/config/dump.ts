import { redactUrl } from "../store/backend/url.ts";
import type { LoadedConfig } from "./load.ts";
import { SETTINGS, envNames, type Config } from "./settings.ts";

/** Masks a secret: URLs keep all but their password, other secrets show only that they are set. */
export function maskSecret(key: keyof Config, value: unknown): string {
  if (typeof value !== "string") return String(value);
  if (key === "databaseUrl" || key === "redisUrl") return redactUrl(value);
  return value.length > 0 ? "********" : "";
}

/** The effective configuration as text, secrets masked, each line with its source. */
export function dumpConfig(loaded: LoadedConfig): string {
  const lines = [`# flakeguard configuration${loaded.file ? ` (file: ${loaded.file})` : ""}`];
  for (const key of Object.keys(SETTINGS) as (keyof Config)[]) {
    const s = SETTINGS[key];
    const v = loaded.config[key];
    const shown = v === undefined ? "(unset)" : s.secret ? maskSecret(key, v) : String(v);
    const from = loaded.sources[key] ?? "unset";
    lines.push(`${key} = ${shown}    # ${from}; env ${envNames(key).join("|")}${s.flag ? `, --${s.flag}` : ""}`);
  }
  return lines.join("\n");
}
