import { Anchor, Button, Card, Collapse, Group, Paper, Select, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAdjustmentsHorizontal, IconPlus, IconSearch, IconSortAscendingLetters, IconSortDescendingLetters } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiContext';
import { STATUSES, type DashboardStats, type Model, type ModelQuery } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { RiskBadge, StatusBadge } from '../components/Badges';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { RISK_OPTIONS, RegisterModelModal } from '../components/models/RegisterModelModal';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { usePagedList } from '../hooks/usePagedList';
import { useTeamOptions } from '../hooks/useTeamOptions';
import { useDebouncedParam, useUrlFilters } from '../hooks/useUrlFilters';
import { STATUS_LABELS, formatRelative } from '../lib/format';
import { NARROW } from '../lib/layout';
import { totalFromCounters } from '../lib/totals';


const STATUS_OPTIONS = STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));
const FILTER_KEYS = ['q', 'team', 'risk_level', 'compliance_status', 'owner', 'domain', 'order'] as const;

export default function ModelsPage() {
  const api = useApi();
  const { canWrite } = useAuth();
  const teamOptions = useTeamOptions();
  const navigate = useNavigate();
  const { params, setParam, clear } = useUrlFilters();
  const [registerOpened, register] = useDisclosure(false);

  const [q, setQ] = useDebouncedParam(params, setParam, 'q');
  const [owner, setOwner] = useDebouncedParam(params, setParam, 'owner');
  const [domain, setDomain] = useDebouncedParam(params, setParam, 'domain');

  const filters: ModelQuery = useMemo(
    () => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]).filter(([, v]) => v)),
    [params],
  );
  const filterKey = JSON.stringify(filters);
  const activeFilters = Object.keys(filters).filter((k) => k !== 'order').length;
  const filtered = activeFilters > 0;
  const narrow = useMediaQuery(NARROW) ?? false;
  const [filtersOpen, filtersToggle] = useDisclosure(false);
  const descending = params.get('order') === 'desc';

  const list = usePagedList<Model>((cursor, signal) => api.listModels(filters, cursor, signal), [filterKey]);
  const stats = useAsync<DashboardStats>((signal) => api.dashboardStats(signal), []);
  const total = totalFromCounters(stats.data, filters);
  const sortByName = () => setParam('order', descending ? '' : 'desc');

  const clearFilters = () => {
    setQ('');
    setOwner('');
    setDomain('');
    clear();
  };

  return (
    <>
      <PageHeader
        title="Models"
        description="Every AI system in the registry, with its EU AI Act risk level and compliance status."
        actions={
          canWrite && (
            <Button leftSection={<IconPlus size={16} />} onClick={register.open}>
              Register model
            </Button>
          )
        }
      />

      <Paper p="md" mb="md" component="section" aria-label="Filters">
        {narrow && (
          <Group justify="space-between" mb={filtersOpen ? 'sm' : 0}>
            <Button
              variant="default"
              leftSection={<IconAdjustmentsHorizontal size={16} />}
              onClick={filtersToggle.toggle}
              aria-expanded={filtersOpen}
              aria-controls="model-filters"
            >
              {filtered ? `Filters (${activeFilters})` : 'Filters'}
            </Button>
            <Button variant="subtle" onClick={sortByName} leftSection={descending ? <IconSortDescendingLetters size={16} /> : <IconSortAscendingLetters size={16} />}>
              {descending ? 'Name Z–A' : 'Name A–Z'}
            </Button>
          </Group>
        )}
        <Collapse in={!narrow || filtersOpen} id="model-filters">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search by name"
            placeholder="Any part of the name"
            leftSection={<IconSearch size={16} />}
            value={q}
            onChange={(e) => setQ(e.currentTarget.value)}
            w={{ base: '100%', sm: 220 }}
          />
          <Select
            label="Team"
            placeholder="All teams"
            data={teamOptions}
            value={params.get('team')}
            onChange={(v) => setParam('team', v ?? '')}
            clearable
            w={{ base: '100%', sm: 180 }}
          />
          <Select
            label="Risk level"
            placeholder="All levels"
            data={RISK_OPTIONS}
            value={params.get('risk_level')}
            onChange={(v) => setParam('risk_level', v ?? '')}
            clearable
            w={{ base: '100%', sm: 160 }}
          />
          <Select
            label="Status"
            placeholder="All statuses"
            data={STATUS_OPTIONS}
            value={params.get('compliance_status')}
            onChange={(v) => setParam('compliance_status', v ?? '')}
            clearable
            w={{ base: '100%', sm: 160 }}
          />
          <TextInput
            label="Owner"
            placeholder="Any owner"
            value={owner}
            onChange={(e) => setOwner(e.currentTarget.value)}
            w={{ base: '100%', sm: 160 }}
          />
          <TextInput
            label="Domain"
            placeholder="Any domain"
            value={domain}
            onChange={(e) => setDomain(e.currentTarget.value)}
            w={{ base: '100%', sm: 150 }}
          />
          {filtered && (
            <Button variant="subtle" color="gray" onClick={clearFilters}>
              Clear filters
            </Button>
          )}
        </Group>
        </Collapse>
      </Paper>
      {total !== null && !list.loading && !list.error && (
        <Text size="sm" c="dimmed" mb="xs" aria-live="polite" data-testid="model-count">
          {list.items.length < total ? `Showing ${list.items.length} of ${total} models` : `${total} ${total === 1 ? 'model' : 'models'}`}
        </Text>
      )}

      <Paper p={0} component="section" aria-label="Model list">
        {list.loading ? (
          <LoadingState label="Loading models…" />
        ) : list.error ? (
          <Stack p="md">
            <ErrorState error={list.error} onRetry={list.reload} title="Could not load models" />
          </Stack>
        ) : list.items.length === 0 ? (
          <EmptyState title={filtered ? 'No models match these filters' : 'No models registered yet'}>
            {filtered
              ? 'Try another risk level or status, or clear the filters.'
              : canWrite
                ? 'Register your first AI model to start tracking its risk and compliance.'
                : 'Models appear here once an owner registers them.'}
          </EmptyState>
        ) : narrow ? (
          <ModelCards models={list.items} />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Models">
              <Table.Thead bg="var(--mantine-color-gray-0)">
                <Table.Tr>
                  <Table.Th aria-sort={descending ? 'descending' : 'ascending'}>
                    <UnstyledButton onClick={sortByName} fw={700} fz="sm">
                      <Group gap={4} wrap="nowrap">
                        Name
                        {descending ? <IconSortDescendingLetters size={16} aria-hidden /> : <IconSortAscendingLetters size={16} aria-hidden />}
                      </Group>
                    </UnstyledButton>
                  </Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Domain</Table.Th>
                  <Table.Th>Risk level</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Latest version</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.items.map((model) => (
                  <Table.Tr key={model.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/models/${model.id}`} fw={600} size="sm">
                        {model.name}
                      </Anchor>
                      {model.description && (
                        <Text size="xs" c="dimmed" lineClamp={1} maw={280}>
                          {model.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{model.owner}</Text>
                      {model.team && (
                        <Text size="xs" c="dimmed">
                          team {model.team}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={model.domain ? undefined : 'dimmed'}>
                        {model.domain || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <RiskBadge level={model.risk_level} />
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={model.compliance_status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace" c={model.latest_version ? undefined : 'dimmed'}>
                        {model.latest_version?.version_tag ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" c="dimmed" title={model.updated_at}>
                        {formatRelative(model.updated_at)}
                      </Text>
                    </Table.Td>
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
          noun={list.items.length === 1 ? 'model' : 'models'}
          total={total}
        />
      )}

      {canWrite && (
        <RegisterModelModal
          opened={registerOpened}
          onClose={register.close}
          onCreated={(model) => {
            register.close();
            notifications.show({ color: 'green', title: 'Model registered', message: `${model.name} is now in draft.` });
            navigate(`/models/${model.id}`);
          }}
        />
      )}
    </>
  );
}

/** The list on a phone: one card per model, risk and status first. */
function ModelCards({ models }: { models: Model[] }) {
  return (
    <Stack gap="sm" p="sm" component="ul" aria-label="Models" style={{ listStyle: 'none', margin: 0 }}>
      {models.map((model) => (
        <Card key={model.id} component="li" padding="sm" withBorder>
          <Group gap={6} mb={6}>
            <RiskBadge level={model.risk_level} />
            <StatusBadge status={model.compliance_status} />
          </Group>
          <Anchor component={Link} to={`/models/${model.id}`} fw={600}>
            {model.name}
          </Anchor>
          <Text size="sm" c="dimmed">
            {model.owner}
            {model.team ? ` · team ${model.team}` : ''}
            {model.domain ? ` · ${model.domain}` : ''}
          </Text>
          <Text size="xs" c="dimmed">
            {model.latest_version ? `Latest ${model.latest_version.version_tag} · ` : 'No version yet · '}
            updated {formatRelative(model.updated_at)}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}
