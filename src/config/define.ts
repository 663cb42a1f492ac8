import type { Config } from "./settings.ts";

/** What a `flakeguard.config.ts` may set: any server setting. */
export type UserConfig = Partial<Config>;

/** Identity helper that types a config file: `export default defineConfig({ port: 9090 })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
