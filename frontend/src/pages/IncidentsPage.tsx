import { Alert, Anchor, Button, Group, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import type { Incident } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { DeadlineBadge } from '../components/dashboard/MonitoringAttention';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { ScrollRegion } from '../components/ScrollRegion';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { usePagedList } from '../hooks/usePagedList';
import { useModelNames } from '../hooks/useNames';
import { deadlineCountdown } from '../lib/monitoring';

const NEXT: Record<string, string | null> = { open: 'initial_report_sent', initial_report_sent: 'final_report_sent', final_report_sent: 'closed', closed: null };
const LABELS: Record<string, string> = {
  open: 'Open', initial_report_sent: 'Initial report sent', final_report_sent: 'Final report sent', closed: 'Closed',
};

/** Record the next reporting step of an incident, with the authority's reference. */
function NextStep({ incident, onDone }: { incident: Incident; onDone: () => void }) {
  const api = useApi();
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const next = incident.severity !== 'serious' && incident.status === 'open' ? 'closed' : NEXT[incident.status];
  if (!next) return null;
  const needsReference = next !== 'closed';
  async function step() {
    try {
      await api.stepIncident(incident.id, { status: next as Incident['status'], reference: reference.trim() || null, expected_revision: incident.revision });
      notifications.show({ color: 'green', title: 'Step recorded', message: `${incident.title}: ${LABELS[next as string]}` });
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="nowrap">
        {needsReference && (
          <TextInput size="xs" aria-label={`Reference of the report for incident ${incident.id}`} placeholder="Authority's reference"
            value={reference} onChange={(e) => setReference(e.currentTarget.value)} />
        )}
        <Button size="xs" variant="default" onClick={() => void step()}>Mark {LABELS[next].toLowerCase()}</Button>
      </Group>
      {error && <Alert color="red" p={4} role="alert">{error}</Alert>}
    </Stack>
  );
}

/** Serious incidents and their Art. 73 reporting clock. The hub records what the organisation reported; it reports nothing itself. */
export default function IncidentsPage() {
  const api = useApi();
  const { canWrite } = useAuth();
  const [filter, setFilter] = useState('all');
  const list = usePagedList<Incident>(
    (cursor, signal) => api.incidents(filter === 'overdue' ? { overdue: true } : filter === 'all' ? {} : { status: filter }, cursor, signal),
    [filter],
  );
  const names = useModelNames(list.items.map((i) => i.model_id));
  return (
    <Stack>
      <PageHeader title="Incidents"
        description="Incidents of the registered models. A serious incident's kind fixes its Art. 73 deadline, counted from when the organisation became aware; the hub records the reports the organisation sent, with their references." />
      <SegmentedControl value={filter} onChange={setFilter} aria-label="Which incidents"
        data={[{ value: 'all', label: 'All' }, { value: 'open', label: 'Open' }, { value: 'overdue', label: 'Report overdue' }, { value: 'closed', label: 'Closed' }]} />
      {list.loading ? <LoadingState label="Loading incidents…" /> : list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} title="Could not load incidents" />
      ) : list.items.length === 0 ? (
        <EmptyState title="No incidents">None matches this view.</EmptyState>
      ) : (
        <ScrollRegion label="Incidents, scrollable" minWidth={900}>
          <Table aria-label="Incidents" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Incident</Table.Th>
                <Table.Th>Model</Table.Th>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Art. 73 deadline</Table.Th>
                {canWrite && <Table.Th>Next step</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((incident) => {
                const countdown = deadlineCountdown(incident);
                return (
                  <Table.Tr key={incident.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>{incident.title}</Text>
                      <Text size="xs" c="dimmed">aware {incident.aware_at.slice(0, 16).replace('T', ' ')} UTC{incident.reported_late ? ' · reported late' : ''}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/models/${incident.model_id}?tab=monitoring`} size="sm">{names[incident.model_id] ?? `Model ${incident.model_id}`}</Anchor>
                    </Table.Td>
                    <Table.Td><Text size="sm">{incident.severity}{incident.kind ? ` (${incident.kind.replace(/_/g, ' ')})` : ''}</Text></Table.Td>
                    <Table.Td><Text size="sm">{LABELS[incident.status]}</Text></Table.Td>
                    <Table.Td>
                      {countdown ? <DeadlineBadge {...countdown} /> : <Text size="sm" c="dimmed">{incident.deadline_at ? 'Initial report sent' : 'None'}</Text>}
                    </Table.Td>
                    {canWrite && <Table.Td><NextStep incident={incident} onDone={list.reload} /></Table.Td>}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onLoadMore={list.loadMore} shown={list.items.length} noun="incidents" />
    </Stack>
  );
}
