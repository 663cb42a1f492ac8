import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../lib/errors.ts";
import { findConfigFile, readConfigFile } from "./file.ts";
import { parseSetting } from "./parse.ts";
import { SETTINGS, envNames, type Config } from "./settings.ts";

/** Where a setting's value came from. */
export type Source = "default" | "file" | `env ${string}` | `flag --${string}`;

/** The effective configuration and where each value came from. */
export interface LoadedConfig {
  config: Config;
  sources: Partial<Record<keyof Config, Source>>;
  file?: string;
}

/** Inputs of loadConfig; tests pass their own. */
export interface LoadInput {
  env: Record<string, string | undefined>;
  cwd: string;
  /** Flag values by flag name (`data-dir`), as parsed from argv. */
  flags?: Record<string, string | boolean | undefined>;
  /** `--config PATH` or FLAKEGUARD_CONFIG. */
  configPath?: string;
}

/** Loads defaults < config file < FLAKEGUARD_* env (and `*_FILE` for secrets) < flags; throws ConfigError. */
export function loadConfig(input: LoadInput): LoadedConfig {
  const file = findConfigFile(input.cwd, input.configPath ?? input.env.FLAKEGUARD_CONFIG);
  const fromFile = file ? readConfigFile(file) : {};
  for (const key of Object.keys(fromFile)) {
    if (!(key in SETTINGS)) throw new ConfigError(`config file ${file}: unknown setting "${key}"`);
  }
  const values: Record<string, unknown> = {};
  const sources: LoadedConfig["sources"] = {};
  for (const key of Object.keys(SETTINGS) as (keyof Config)[]) {
    const s = SETTINGS[key];
    const set = (raw: unknown, source: Source, where: string) => {
      values[key] = parseSetting(s, raw, where);
      sources[key] = source;
    };
    if (fromFile[key] !== undefined) set(fromFile[key], "file", `${file}: ${key}`);
    for (const name of [...envNames(key)].reverse()) {
      if (s.secret && input.env[`${name}_FILE`])
        set(readSecret(input.env[`${name}_FILE`]!, `${name}_FILE`), `env ${name}_FILE`, `${name}_FILE`);
      if (input.env[name] !== undefined && input.env[name] !== "") set(input.env[name], `env ${name}`, name);
    }
    const flag = s.flag ? input.flags?.[s.flag] : undefined;
    if (s.flag && flag !== undefined) set(flag, `flag --${s.flag}`, `--${s.flag}`);
  }
  for (const key of Object.keys(SETTINGS) as (keyof Config)[]) {
    const d = SETTINGS[key].default;
    if (values[key] === undefined && d !== undefined) {
      values[key] = typeof d === "function" ? d(values as Partial<Config>) : d;
      sources[key] = "default";
    }
  }
  values.dataDir = resolve(input.cwd, values.dataDir as string);
  return { config: values as unknown as Config, sources, file };
}

function readSecret(path: string, name: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    throw new ConfigError(
      `${name}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}
