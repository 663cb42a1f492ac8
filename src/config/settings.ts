/** The one typed table of settings: name, type, default, where it may come from, and whether it is secret. */
import type { Config, Setting } from "./settings/types.ts";
import { SERVER_SETTINGS } from "./settings/server.ts";
import { REQUEST_SETTINGS } from "./settings/requests.ts";
import { PROCESSING_SETTINGS } from "./settings/processing.ts";
import { DATA_SETTINGS } from "./settings/data.ts";
import { ACCESS_SETTINGS } from "./settings/access.ts";
import { REPLICA_SETTINGS } from "./settings/replicas.ts";
import { GITHUB_SETTINGS } from "./settings/github.ts";
import { NOTIFY_SETTINGS } from "./settings/notify.ts";

export type { Config, Setting, SettingType } from "./settings/types.ts";

/** Every server setting, in the order `flakeguard config` prints them (each group's file keeps its rows). */
export const SETTINGS: { [K in keyof Config]-?: Setting } = {
  ...SERVER_SETTINGS,
  ...REQUEST_SETTINGS,
  ...PROCESSING_SETTINGS,
  ...DATA_SETTINGS,
  ...ACCESS_SETTINGS,
  ...REPLICA_SETTINGS,
  ...GITHUB_SETTINGS,
  ...NOTIFY_SETTINGS,
};

/** `dataDir` → `FLAKEGUARD_DATA_DIR`. */
export function defaultEnvName(key: string): string {
  return "FLAKEGUARD_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

/** The environment variables a setting is read from, first wins. */
export function envNames(key: keyof Config): string[] {
  return SETTINGS[key].env ?? [defaultEnvName(key)];
}
