import { Anchor, Badge, Button, Card, Checkbox, Collapse, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAdjustmentsHorizontal, IconPlus, IconSearch } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiContext';
import type { Dataset, DatasetQuery } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { RegisterDatasetModal } from '../components/datasets/RegisterDatasetModal';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { usePagedList } from '../hooks/usePagedList';
import { useTeamOptions } from '../hooks/useTeamOptions';
import { useDebouncedParam, useUrlFilters } from '../hooks/useUrlFilters';
import { NARROW } from '../lib/layout';

/** The datasets models are trained, validated and tested on (EU AI Act Art. 10): filtered, paged, and registered from a dialog. */
export default function DatasetsPage() {
  const api = useApi();
  const navigate = useNavigate();
  const { canWrite } = useAuth();
  const [registerOpened, register] = useDisclosure(false);
  const { params, setParam, clear } = useUrlFilters();
  const teamOptions = useTeamOptions();
  const [name, setName] = useDebouncedParam(params, setParam, 'name');
  const team = params.get('team');
  const flagged = params.get('flagged') === 'true';
  const filters: DatasetQuery = useMemo(
    () => ({ name: params.get('name') || undefined, team: params.get('team') || undefined, flagged: params.get('flagged') === 'true' ? 'true' : undefined }),
    [params],
  );
  const filterKey = JSON.stringify(filters);
  const activeFilters = Object.values(filters).filter(Boolean).length;
  const narrow = useMediaQuery(NARROW) ?? false;
  const [filtersOpen, filtersToggle] = useDisclosure(false);
  const list = usePagedList<Dataset>((cursor, signal) => api.listDatasets(filters, cursor, signal), [filterKey]);
  const clearFilters = () => {
    setName('');
    clear();
  };
  return (
    <Stack>
      <PageHeader
        title="Datasets"
        description="What models are trained, validated and tested on (EU AI Act Art. 10, Annex IV 2(d)): provenance, scope and the bias examination of each dataset."
        actions={
          canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={register.open}>
              Register dataset
            </Button>
          )
        }
      />
      <Paper p="md" component="section" aria-label="Filters">
        {narrow && (
          <Button
            variant="default"
            leftSection={<IconAdjustmentsHorizontal size={16} />}
            onClick={filtersToggle.toggle}
            aria-expanded={filtersOpen}
            aria-controls="dataset-filters"
            mb={filtersOpen ? 'sm' : 0}
          >
            {activeFilters ? `Filters (${activeFilters})` : 'Filters'}
          </Button>
        )}
        <Collapse in={!narrow || filtersOpen} id="dataset-filters">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              label="Name"
              placeholder="The exact name"
              leftSection={<IconSearch size={16} />}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              w={{ base: '100%', sm: 240 }}
            />
            <Select
              label="Team"
              placeholder="All teams"
              data={teamOptions}
              value={team}
              onChange={(v) => setParam('team', v ?? '')}
              clearable
              disabled={flagged}
              w={{ base: '100%', sm: 200 }}
            />
            <Checkbox
              label="Flagged only"
              checked={flagged}
              disabled={!!team}
              onChange={(e) => setParam('flagged', e.currentTarget.checked ? 'true' : '')}
              mb={8}
            />
            {activeFilters > 0 && (
              <Button variant="subtle" color="gray" onClick={clearFilters}>
                Clear filters
              </Button>
            )}
          </Group>
          {(team || flagged) && (
            <Text size="xs" c="dimmed" mt={6}>
              {team ? 'To see the flagged datasets of every team, clear the team first.' : 'Flagged datasets of every team: clear the flag filter to choose a team.'}
            </Text>
          )}
        </Collapse>
      </Paper>
      <Paper p={0} component="section" aria-label="Dataset list">
        {list.loading ? (
          <LoadingState label="Loading datasets…" />
        ) : list.error ? (
          <Stack p="md">
            <ErrorState error={list.error} onRetry={list.reload} title="Could not load the datasets" />
          </Stack>
        ) : list.items.length === 0 ? (
          <EmptyState title={activeFilters ? 'No datasets match these filters' : 'No datasets yet'}>
            {activeFilters
              ? 'The name must match in full (any case). Try another team, or clear the filters.'
              : 'Register the datasets your models are trained and tested on.'}
          </EmptyState>
        ) : narrow ? (
          <DatasetCards datasets={list.items} />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table aria-label="Datasets" striped verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w="30%">Dataset</Table.Th>
                  <Table.Th>Team</Table.Th>
                  <Table.Th>Provenance</Table.Th>
                  <Table.Th>Bias examination</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.items.map((dataset) => (
                  <Table.Tr key={dataset.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/datasets/${dataset.id}`} fw={600} size="sm">{dataset.name}</Anchor>
                      {dataset.flagged && <Badge color="red" variant="light" ml="xs">flagged</Badge>}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}><Text size="sm">{dataset.team ?? '—'}</Text></Table.Td>
                    <Table.Td><Text size="sm" lineClamp={2}>{dataset.source ?? 'Not documented'}</Text></Table.Td>
                    <Table.Td><Text size="sm" lineClamp={2}>{dataset.bias_examination?.outcome ?? 'Not documented'}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {!list.loading && !list.error && list.items.length > 0 && (
        <LoadMore
          hasMore={list.hasMore}
          loading={list.loadingMore}
          error={list.moreError}
          onLoadMore={list.loadMore}
          shown={list.items.length}
          noun={list.items.length === 1 ? 'dataset' : 'datasets'}
        />
      )}
      {canWrite && (
        <RegisterDatasetModal
          opened={registerOpened}
          onClose={register.close}
          onCreated={(dataset) => {
            register.close();
            notifications.show({ color: 'green', title: 'Dataset registered', message: dataset.name });
            navigate(`/datasets/${dataset.id}`);
          }}
        />
      )}
    </Stack>
  );
}

/** The list on a phone: one card per dataset, the flag first. */
function DatasetCards({ datasets }: { datasets: Dataset[] }) {
  return (
    <Stack gap="sm" p="sm" component="ul" aria-label="Datasets" style={{ listStyle: 'none', margin: 0 }}>
      {datasets.map((dataset) => (
        <Card key={dataset.id} component="li" padding="sm" withBorder>
          {dataset.flagged && <Badge color="red" variant="light" mb={6}>flagged</Badge>}
          <Anchor component={Link} to={`/datasets/${dataset.id}`} fw={600}>
            {dataset.name}
          </Anchor>
          <Text size="sm" c="dimmed">{dataset.team ? `team ${dataset.team}` : 'no team'}</Text>
          <Text size="sm" lineClamp={2}>Provenance: {dataset.source ?? 'not documented'}</Text>
          <Text size="sm" lineClamp={2}>Bias examination: {dataset.bias_examination?.outcome ?? 'not documented'}</Text>
        </Card>
      ))}
    </Stack>
  );
}
