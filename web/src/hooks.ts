import { useEffect, useRef, useState } from "react";

// Loads data now, again when `deps` change, and every `intervalMs` (0: never). Results of a
// load that a newer one overtook are dropped.
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], intervalMs = 0) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string>("");
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    const controller = new AbortController();
    loader
      .current(controller.signal)
      .then((d) => {
        if (!controller.signal.aborted) {
          setData(d);
          setError("");
        }
      })
      .catch((e) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [...deps, tick]);

  useEffect(() => {
    if (!intervalMs) return;
    const id = setInterval(() => {
      if (document.visibilityState === "visible") setTick((n) => n + 1);
    }, intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);

  return { data, error, reload: () => setTick((n) => n + 1) };
}

// The error of the last action run through `run`, shown beside the form that ran it; `run`
// answers whether the action succeeded.
export function useErrors() {
  const [error, setError] = useState("");
  const run = async (action: () => Promise<unknown>) => {
    setError("");
    try {
      await action();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  };
  return { error, run };
}
