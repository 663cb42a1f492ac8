// The background checkpoint worker's entry: its own better-sqlite3 connection to the database file runs
// PASSIVE checkpoints (copy the write-ahead log into the database file, then sync) when told of new
// commits, so the writer's COMMIT never does that copy and its two disk syncs. A PASSIVE checkpoint
// never waits for the writer or readers; it copies what it can and the writer restarts the log once
// everything was copied.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { CheckpointAnswer, CheckpointRequest, CheckpointWorkerData } from "./checkpoint-protocol.ts";

const data = workerData as CheckpointWorkerData;
// Inside the executable the addon is the file the main thread already loaded: dlopen of the same file is
// the same library, so both connections share one SQLite and its file locks (two copies would corrupt).
const nativeBinding = data.addonFile ? loadAddon(data.addonFile) : undefined;
const db = new Database(data.path, nativeBinding ? { nativeBinding: nativeBinding as never } : {});
db.pragma("busy_timeout = 5000");

let timer: NodeJS.Timeout | undefined;
let last = 0;

// One pass; true when it copied every frame in the log. The writer only starts the log over when its next
// transaction begins on a fully copied log, so a pass that fell behind (commits landed while it copied) is
// followed by another at once: the frames left are few, and the next gap between commits is long enough.
function checkpoint(): void {
  timer = undefined;
  last = Date.now();
  let answer: CheckpointAnswer;
  try {
    const [row] = db.pragma("wal_checkpoint(PASSIVE)") as { busy: number; log: number; checkpointed: number }[];
    answer = { kind: "checkpointed", ...row };
  } catch (e) {
    answer = { kind: "failed", message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
  if (answer.kind === "checkpointed" && answer.checkpointed < answer.log) timer = setTimeout(checkpoint, 0);
}

// News within minIntervalMs of the last pass waits for the interval: a burst of small commits makes one pass.
function soon(): void {
  if (timer) return;
  timer = setTimeout(checkpoint, Math.max(0, last + data.minIntervalMs - Date.now()));
}

const idle = setInterval(soon, data.idleIntervalMs);
parentPort!.on("message", (request: CheckpointRequest) => {
  if (request === "written") return soon();
  clearInterval(idle);
  clearTimeout(timer);
  db.close();
  parentPort!.close();
});

function loadAddon(file: string): object {
  const module = { exports: {} };
  process.dlopen(module, file);
  return module.exports;
}
