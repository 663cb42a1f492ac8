/**
 * Settings every SQLite connection gets, whichever driver (better-sqlite3 under Node, node:sqlite under
 * Deno): WAL so readers never block the writer, a busy timeout instead of instant SQLITE_BUSY, foreign
 * keys on, fsync at checkpoints only (WAL keeps that durable across a process crash), and a checkpoint
 * every ~40 MB of WAL instead of every 4 MB (each one syncs the file; with the default one landed inside
 * every few report commits). journal_mode comes first: it is what fails on an unwritable file.
 */
export const SQLITE_PRAGMAS = [
  "journal_mode = WAL",
  "busy_timeout = 5000",
  "foreign_keys = ON",
  "synchronous = NORMAL",
  "wal_autocheckpoint = 10000",
  "cache_size = -65536",
];
