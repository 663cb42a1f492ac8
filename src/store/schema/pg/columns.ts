/** Column types the PostgreSQL (and PGlite) tables share. */
import { bigint, customType } from "drizzle-orm/pg-core";

/** Raw bytes (PostgreSQL bytea), read and written as a Uint8Array. */
export const bytes = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer)),
});

/** Epoch milliseconds. */
export const millis = (name: string) => bigint(name, { mode: "number" });
