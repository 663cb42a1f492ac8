/** Column types the SQLite tables share. */
import { integer, text } from "drizzle-orm/sqlite-core";

/** Epoch milliseconds. */
export const millis = (name: string) => integer(name);
/** JSON stored as text. */
export const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();
