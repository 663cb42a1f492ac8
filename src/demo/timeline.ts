/** The pushes a repository sees: a stream of commits on main and pull requests with their own pushes. */
import type { Random } from "./random.ts";

/** One push that triggers a CI run. `base` is the main commit index whose code it carries. */
export interface Push {
  commit: string;
  branch: string;
  pr: string | null;
  base: number;
  time: number;
  /** PR pushes: which push of the PR this is (0-based) and how many it has. */
  push: number;
  pushes: number;
}

const MINUTE = 60_000;
const TOPICS = [
  "checkout",
  "retry-budget",
  "search-ranking",
  "auth-refresh",
  "invoice-pdf",
  "cart-merge",
  "rate-limit",
  "i18n",
];

/** Main commits every 20–90 minutes; PRs branch off a main commit and push 1–4 times, 15–120 minutes apart. */
export function buildTimeline(rng: Random, commits: number, prs: number, start: number): { main: Push[]; all: Push[] } {
  const main: Push[] = [];
  let time = start;
  for (let i = 0; i < commits; i++) {
    main.push({ commit: rng.hex(40), branch: "main", pr: null, base: i, time, push: 0, pushes: 1 });
    time += rng.int(20, 90) * MINUTE;
  }
  const all = [...main];
  for (let p = 0; p < prs; p++) {
    const base = rng.int(0, Math.max(0, commits - 2));
    // Every third PR is pushed once; the others get follow-up pushes (where a broken push gets fixed).
    const pushes = p % 3 === 2 ? 1 : rng.int(2, 4);
    let at = main[base].time + rng.int(10, 60) * MINUTE;
    const branch = `feature/${rng.pick(TOPICS)}-${p + 1}`;
    for (let push = 0; push < pushes; push++) {
      all.push({ commit: rng.hex(40), branch, pr: String(100 + p), base, time: at, push, pushes });
      at += rng.int(15, 120) * MINUTE;
    }
  }
  // Stable order by time: ties keep creation order, so the same seed always gives the same sequence.
  all.sort((a, b) => a.time - b.time);
  return { main, all };
}
