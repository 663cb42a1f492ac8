/** Live updates: what changed in a project, as the UI's event stream names it. */

/** The kinds of change announced live (the SSE event names). */
export const LIVE_EVENTS = ["report.processed", "verdicts.changed", "quarantine.changed", "incident.opened"] as const;

/** One kind of change. */
export type LiveEvent = (typeof LIVE_EVENTS)[number];

/** Announces a change in a project to whoever listens; never throws and never waits for listeners. */
export type Publish = (event: LiveEvent, projectId: string, data: Record<string, unknown>) => void;

/** A publish that tells no one (CLI commands, unit tests). */
export const publishNothing: Publish = () => undefined;
