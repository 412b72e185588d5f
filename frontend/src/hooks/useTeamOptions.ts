import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiContext';
import type { Team } from '../api/types';
import { useAuth } from '../auth/AuthContext';

/** The teams as options of a filter: the user's own teams first ("My teams"), then the others. */
export function useTeamOptions() {
  const api = useApi();
  const { session } = useAuth();
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    api.listTeams(controller.signal).then((page) => setTeams(page.items)).catch(() => setTeams([]));
    return () => controller.abort();
  }, [api]);
  const mine = new Set(session?.teams ?? []);
  return [
    { group: 'My teams', items: teams.filter((t) => mine.has(t.slug)).map((t) => ({ value: t.slug, label: t.display_name })) },
    { group: 'Other teams', items: teams.filter((t) => !mine.has(t.slug)).map((t) => ({ value: t.slug, label: t.display_name })) },
  ].filter((group) => group.items.length > 0);
}
