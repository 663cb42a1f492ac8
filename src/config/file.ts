import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { transform } from "sucrase";
import { ConfigError } from "../lib/errors.ts";
import { defineConfig } from "./define.ts";

/** File names looked for in the working directory, first found wins. */
export const CONFIG_FILES = [
  "flakeguard.config.ts",
  "flakeguard.config.js",
  "flakeguard.config.mjs",
  "flakeguard.config.json",
];

/** The config file to read: an explicit path, else the first of CONFIG_FILES in cwd, else none. */
export function findConfigFile(cwd: string, explicit?: string): string | undefined {
  if (explicit) {
    const p = resolve(cwd, explicit);
    if (!existsSync(p)) throw new ConfigError(`config file ${p}: not found`);
    return p;
  }
  return CONFIG_FILES.map((f) => join(cwd, f)).find((p) => existsSync(p));
}

/**
 * Reads a config file. TypeScript and ES modules are compiled with sucrase and evaluated here, so a
 * `flakeguard.config.ts` loads the same under Node, Deno and the single executable (which has no
 * TypeScript loader). The file may `import { defineConfig } from "flakeguard"` and Node built-ins.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(
      `config file ${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (path.endsWith(".json")) {
    try {
      return asObject(JSON.parse(text), path);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(`config file ${path}: invalid JSON (${(e as Error).message})`);
    }
  }
  return asObject(evaluate(text, path), path);
}

function evaluate(source: string, path: string): unknown {
  let code: string;
  try {
    code = transform(source, { transforms: ["typescript", "imports"], filePath: path }).code;
  } catch (e) {
    throw new ConfigError(`config file ${path}: cannot be compiled (${(e as Error).message.split("\n")[0]})`);
  }
  const nodeRequire = createRequire(path);
  const requireForConfig = (id: string) => {
    if (id === "flakeguard" || id === "flakeguard/config") return { defineConfig };
    if (id.startsWith("node:")) return nodeRequire(id);
    throw new ConfigError(`config file ${path}: cannot import "${id}" (only "flakeguard" and node: built-ins)`);
  };
  const module = { exports: {} as Record<string, unknown> };
  try {
    new Function("module", "exports", "require", "process", code)(module, module.exports, requireForConfig, process);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`config file ${path}: failed to run (${(e as Error).message})`);
  }
  return module.exports.default ?? module.exports;
}

function asObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ConfigError(`config file ${path}: must export an object (export default defineConfig({ … }))`);
  }
  return v as Record<string, unknown>;
}
