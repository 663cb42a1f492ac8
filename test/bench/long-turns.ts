// `node test/bench/long-turns.ts PROFILE.cpuprofile [ms]`: the event loop's turns longer than `ms` (100) in a
// CPU profile written with test/bench/turn-marker.ts loaded (FLAKEGUARD_BENCH_TURNS=1), and our functions
// that ran in them: in all, and for the longest turns. How issue 22's long turns were found.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, limit = "100"] = process.argv.slice(2);
if (!file) throw new Error("usage: node test/bench/long-turns.ts PROFILE.cpuprofile [ms]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const thresholdUs = Number(limit) * 1000;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const frames = new Map<number, string[]>();
const framesOf = (id: number): string[] => {
  let out = frames.get(id);
  if (out) return out;
  out = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    out.push(`${functionName || "(anonymous)"} ${url.split("/").at(-1)}:${lineNumber + 1}`);
  }
  frames.set(id, out);
  return out;
};

interface Turn {
  us: number;
  atUs: number;
  ours: Map<string, number>;
}
const turns: Turn[] = [];
let now = 0;
let lastMark: number | undefined;
let ours = new Map<string, number>();
profile.samples.forEach((sample, i) => {
  now += profile.timeDeltas[i];
  const stack = framesOf(sample);
  if (stack.slice(0, 3).some((f) => f.startsWith("turnMarker "))) {
    if (lastMark !== undefined && now - lastMark > thresholdUs)
      turns.push({ us: now - lastMark, atUs: lastMark, ours });
    lastMark = now;
    ours = new Map();
    return;
  }
  // Our own code only (TypeScript sources): each function once per sample, with the time to the sample.
  for (const f of new Set(stack.filter((x) => /\.ts:\d+$/.test(x))))
    ours.set(f, (ours.get(f) ?? 0) + profile.timeDeltas[i]);
});

const ms = (us: number) => (us / 1000).toFixed(0);
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(
  `turns over ${limit} ms: ${turns.length}, ${(turns.reduce((n, t) => n + t.us, 0) / 1e6).toFixed(1)} s in all`,
);
const all = new Map<string, number>();
for (const t of turns) for (const [f, us] of t.ours) all.set(f, (all.get(f) ?? 0) + us);
for (const [f, us] of top(all, 25)) console.log(`${ms(us).padStart(7)} ms  ${f}`);
console.log("\nlongest turns (the rest of a turn is garbage collection, the runtime and other threads):");
for (const t of [...turns].sort((a, b) => b.us - a.us).slice(0, 12))
  console.log(
    `${ms(t.us).padStart(6)} ms at ${(t.atUs / 1e6).toFixed(1)} s: ${top(t.ours, 4)
      .map(([f, us]) => `${f} ${ms(us)}`)
      .join("; ")}`,
  );
