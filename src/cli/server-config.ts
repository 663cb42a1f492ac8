import { loadConfig, type LoadedConfig } from "../config/load.ts";
import type { CommandIO } from "./command.ts";

/** Loads the configuration with the server flags given on the command line. */
export function configFromFlags(values: Record<string, string | boolean | undefined>, io: CommandIO): LoadedConfig {
  const { config, debug: _d, help: _h, ...flags } = values;
  return loadConfig({ env: io.env, cwd: io.cwd, flags, configPath: config as string | undefined });
}
