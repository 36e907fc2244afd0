/**
 * A store's `start()`: subscribes to main's events and loads, once however often it is
 * called (StrictMode mounts twice). The returned function undoes what `begin` set up, so
 * a later `start()` subscribes afresh.
 */
export function startOnce(begin: () => Array<() => void>): () => () => void {
  let stop: (() => void) | null = null;
  return () => {
    if (stop) return stop;
    const cleanups = begin();
    stop = () => {
      for (const cleanup of cleanups) cleanup();
      stop = null;
    };
    return stop;
  };
}
