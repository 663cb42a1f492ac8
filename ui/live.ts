// Live updates: server-sent events from /api/v1/stream; when the stream is not available (older
// server, or a token sign-in that EventSource cannot send), the page polls instead. The <html>
// element's data-live says which ("sse" or "polling").
import { useEffect, useRef } from "preact/hooks";

/** The event kinds the server sends. */
export const LIVE_EVENTS = ["report.processed", "verdicts.changed", "quarantine.changed", "incident.opened"] as const;
const POLL_MS = 5000;
const COALESCE_MS = 300;

/** Calls `onChange` (coalesced) when something changes in `project` (any project when omitted). */
export function useLive(project: string | undefined, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    const fire = () => {
      clearTimeout(timer);
      timer = setTimeout(() => latest.current(), COALESCE_MS);
    };
    const startPolling = () => {
      if (!poll) poll = setInterval(() => latest.current(), POLL_MS);
    };
    let source: EventSource | undefined;
    if (typeof EventSource === "function") {
      source = new EventSource(`/api/v1/stream${project ? `?project=${encodeURIComponent(project)}` : ""}`);
      for (const kind of LIVE_EVENTS) source.addEventListener(kind, fire);
      // `ready` starts every (re)connection: whatever changed while there was none is loaded now.
      source.addEventListener("ready", () => {
        document.documentElement.dataset.live = "sse";
        fire();
      });
      // A refused stream closes for good; a dropped one reconnects by itself.
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED) return;
        document.documentElement.dataset.live = "polling";
        startPolling();
      };
    } else startPolling();
    return () => {
      delete document.documentElement.dataset.live;
      source?.close();
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [project]);
}
