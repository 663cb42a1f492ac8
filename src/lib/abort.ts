/**
 * A signal that aborts when any of `signals` does: AbortSignal.any where the runtime has it (Node ≥ 20.3),
 * else the same by hand, because the light CI client (GET /cli/flakeguard.js) runs on Node 18 too.
 */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  const native = (AbortSignal as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (typeof native === "function") return native.call(AbortSignal, signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      return controller.signal;
    }
  }
  for (const signal of signals)
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true, signal: controller.signal });
  return controller.signal;
}
