// Loading state for a page: the data, the error, and reload (which keeps the old data on screen).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** What useData gives a page. */
export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; `reload` runs it again. */
export function useData<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loader.current().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: Error) => mine === generation.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, []);
  // The old data stays on screen until the new arrives: typing in a search box does not flash.
  useEffect(() => {
    reload();
  }, deps);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
