import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { Page } from '../api/types';

export interface PagedList<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  moreError: unknown;
  loadMore: () => void;
  reload: () => void;
}

/** A cursor-paginated list: first page whenever `deps` change, further pages appended on `loadMore()`. */
export function usePagedList<T>(
  loadPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
  deps: DependencyList,
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(undefined);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;
  const generation = useRef(0);

  useEffect(() => {
    const controller = new AbortController();
    const current = ++generation.current;
    setLoading(true);
    setError(undefined);
    setMoreError(undefined);
    loadRef
      .current(null, controller.signal)
      .then((page) => {
        if (current !== generation.current) return;
        setItems(page.items);
        setCursor(page.next_cursor);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (current !== generation.current || controller.signal.aborted) return;
        setItems([]);
        setCursor(null);
        setError(err);
        setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, nonce]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const current = generation.current;
    const controller = new AbortController();
    setLoadingMore(true);
    setMoreError(undefined);
    loadRef
      .current(cursor, controller.signal)
      .then((page) => {
        if (current !== generation.current) return;
        setItems((previous) => [...previous, ...page.items]);
        setCursor(page.next_cursor);
      })
      .catch((err: unknown) => {
        if (current === generation.current) setMoreError(err);
      })
      .finally(() => {
        if (current === generation.current) setLoadingMore(false);
      });
  }, [cursor, loadingMore]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);

  return { items, loading, error, hasMore: cursor !== null, loadingMore, moreError, loadMore, reload };
}
