import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useApi } from '../api/ApiContext';
import { useAuth } from '../auth/AuthContext';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { problemFromError } from '../lib/formErrors';

/** The teams that own models. Membership lives in the identity provider (Cognito groups `team-<slug>`). */
export default function TeamsPage() {
  const api = useApi();
  const { role, session } = useAuth();
  const teams = useAsync((signal) => api.listTeams(signal), [api]);
  const mine = new Set(session?.teams ?? []);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      const team = await api.createTeam(slug.trim(), name.trim());
      notifications.show({ color: 'green', title: 'Team created', message: `${team.display_name} (${team.slug})` });
      setSlug('');
      setName('');
      teams.reload();
    } catch (error) {
      const problem = problemFromError(error, ['slug', 'display_name']);
      setErrors(problem.fields);
      setGeneral(problem.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <PageHeader
        title="Teams"
        description="Teams own models: model owners change only their teams' models. A user's teams are their identity provider groups named team-<slug>."
      />
      {role === 'admin' && (
        <Paper withBorder p="md" component="form" onSubmit={create} aria-label="Create team" noValidate>
          <Group align="flex-end" wrap="wrap">
            <TextInput label="Slug" description="Lower-case letters, digits, hyphens" value={slug}
              onChange={(e) => setSlug(e.currentTarget.value)} error={errors.slug} withAsterisk w={{ base: '100%', sm: 220 }} />
            <TextInput label="Display name" value={name} onChange={(e) => setName(e.currentTarget.value)}
              error={errors.display_name} withAsterisk w={{ base: '100%', sm: 260 }} />
            <Button type="submit" loading={busy}>Create team</Button>
          </Group>
          {general && <Alert color="red" variant="light" mt="sm" role="alert">{general}</Alert>}
        </Paper>
      )}
      {teams.loading && !teams.data ? (
        <LoadingState />
      ) : teams.error ? (
        <ErrorState error={teams.error} onRetry={teams.reload} title="Could not load the teams" />
      ) : !teams.data?.items.length ? (
        <EmptyState title="No teams yet">An administrator creates the teams that own models.</EmptyState>
      ) : (
        <Table aria-label="Teams" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Team</Table.Th>
              <Table.Th>Slug (group team-&lt;slug&gt;)</Table.Th>
              <Table.Th>Models</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {teams.data.items.map((team) => (
              <Table.Tr key={team.slug}>
                <Table.Td>
                  <Text size="sm" fw={600}>{team.display_name}</Text>
                  {mine.has(team.slug) && <Text size="xs" c="dimmed">your team</Text>}
                </Table.Td>
                <Table.Td><Text size="sm" ff="monospace">{team.slug}</Text></Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/models?team=${encodeURIComponent(team.slug)}`} size="sm">
                    Its models
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
