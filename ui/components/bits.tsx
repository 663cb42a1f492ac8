// Small shared pieces: page frame, status badge, error and empty notes, relative time, tabs.
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { ago, when } from "../format.ts";

/** A page: its heading (and the document title), optional actions, content. */
export function Page(props: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
  sub?: ComponentChildren;
}) {
  useEffect(() => {
    document.title = `${props.title} · FlakeGuard`;
  }, [props.title]);
  return (
    <>
      <div class="toolbar spread">
        <h1>{props.title}</h1>
        {props.actions}
      </div>
      {props.sub && <div class="muted sub-title">{props.sub}</div>}
      {props.children}
    </>
  );
}

/** A coloured status word (flaky, broken, quarantined, known-flaky, …). */
export const Badge = ({ status }: { status: string }) => <span class={`badge ${status}`}>{status}</span>;

/** An error from the API, said plainly. */
export function ErrorNote({ error }: { error: Error | undefined | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.message}
    </p>
  );
}

/** What to show when a list is empty. */
export const Empty = ({ children }: { children: ComponentChildren }) => <p class="empty">{children}</p>;

/** "3 h ago", with the exact time on hover. */
export const Ago = ({ at }: { at: string | null | undefined }) => (
  <time dateTime={at ?? undefined} title={when(at)}>
    {ago(at)}
  </time>
);

/** Tabs as links, so each tab has its own URL. */
export function Tabs({
  tabs,
  current,
  href,
}: {
  tabs: [string, string][];
  current: string;
  href: (id: string) => string;
}) {
  return (
    <nav class="tabs" aria-label="Sections">
      {tabs.map(([id, label]) => (
        <a key={id} href={href(id)} aria-current={id === current ? "page" : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** A loading line for first loads. */
export const Loading = () => (
  <p class="muted" role="status">
    Loading…
  </p>
);
