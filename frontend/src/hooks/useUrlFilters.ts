import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';

/** A list page's filters kept in the URL query (shareable, survive a reload): read, set one, clear all. */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const setParam = (key: string, value: string) => {
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  return { params, setParam, clear };
}

/** A text filter that edits locally and reaches the URL after a short pause. */
export function useDebouncedParam(params: URLSearchParams, setParam: (key: string, value: string) => void, key: string) {
  const urlValue = params.get(key) ?? '';
  const [value, setValue] = useState(urlValue);
  const [debounced] = useDebouncedValue(value, 300);
  useEffect(() => setValue(urlValue), [urlValue]);
  useEffect(() => {
    if (debounced !== urlValue) setParam(key, debounced);
    // Only the settled input drives the URL; URL changes flow back through the effect above.
  }, [debounced]);
  return [value, setValue] as const;
}
