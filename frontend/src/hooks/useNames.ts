import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiContext';
import type { GovernanceApi } from '../api/endpoints';

// One lookup per id for the whole session: audit rows repeat the same models and versions.
const cache = new Map<string, Promise<string | null>>();

function lookup(key: string, load: () => Promise<string>): Promise<string | null> {
  let found = cache.get(key);
  if (!found) {
    found = load().catch(() => null);
    cache.set(key, found);
  }
  return found;
}

function useLookup(kind: string, ids: (number | null | undefined)[], load: (api: GovernanceApi, id: number) => Promise<string>): Record<number, string> {
  const api = useApi();
  const [names, setNames] = useState<Record<number, string>>({});
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number' && id > 0))].sort((a, b) => a - b);
  const key = wanted.join(',');
  useEffect(() => {
    let live = true;
    void Promise.all(wanted.map(async (id) => [id, await lookup(`${kind}:${id}`, () => load(api, id))] as const)).then((pairs) => {
      if (!live) return;
      const next: Record<number, string> = {};
      for (const [id, name] of pairs) if (name) next[id] = name;
      setNames(next);
    });
    return () => {
      live = false;
    };
    // `key` stands for the set of ids.
  }, [api, key]);
  return names;
}

/** Model names by id, for records that carry only ids (a deleted model keeps no name here: callers fall back). */
export function useModelNames(ids: (number | null | undefined)[]): Record<number, string> {
  return useLookup('model', ids, async (api, id) => (await api.getModel(id)).name);
}

/** Version tags by version id. */
export function useVersionTags(ids: (number | null | undefined)[]): Record<number, string> {
  return useLookup('version', ids, async (api, id) => (await api.getVersion(id)).version_tag);
}
