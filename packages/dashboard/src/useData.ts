// Loads a JSON view from the server and, with pollMs, keeps it fresh while the tab is visible
// (live updates: a call made meanwhile shows within pollMs plus a round trip).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "./api.js";

export interface Data<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): Promise<void>;
}

export function useData<T>(path: string | null, pollMs?: number): Data<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;

  const load = useCallback(async () => {
    if (path === null) return;
    try {
      const body = await api<T>("GET", path);
      if (current.current !== path) return; // navigated away meanwhile
      setData(body);
      setError(null);
    } catch (err) {
      if (current.current !== path) return;
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    setData(null);
    setError(null);
    setLoading(path !== null);
    void load();
    if (!pollMs || path === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState === "visible") await load();
      if (!stopped) timer = setTimeout(() => void tick(), pollMs);
    };
    timer = setTimeout(() => void tick(), pollMs);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [path, pollMs, load]);

  return { data, error, loading, reload: load };
}
