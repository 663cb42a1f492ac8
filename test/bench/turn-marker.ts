// Loaded into a profiled server (FLAKEGUARD_BENCH_CPU_PROF with FLAKEGUARD_BENCH_TURNS=1): a timer every 5 ms
// that burns ~0.4 ms in a function of its own name, so the CPU profile shows when timers got to run. The
// stretches between two of its samples are the event loop's long turns; test/bench/long-turns.ts lists them.
function turnMarker(): number {
  const end = performance.now() + 0.4;
  let spins = 0;
  while (performance.now() < end) spins++;
  return spins;
}
setInterval(turnMarker, 5).unref();
