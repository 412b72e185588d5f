import { Anchor, Badge, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import type { AccessRecord } from '../api/types';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { ScrollRegion } from '../components/ScrollRegion';
import { EmptyState, ErrorState, LoadingState, NotAvailable } from '../components/States';
import { usePagedList } from '../hooks/usePagedList';
import { useModelNames } from '../hooks/useNames';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Who generated (fetched) which compliance report when: the access log, kept apart from the change chains. */
export default function AccessLogPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const modelParam = Number(params.get('model') ?? '');
  const modelId = Number.isInteger(modelParam) && modelParam > 0 ? modelParam : undefined;
  const day = params.get('day') ?? (modelId ? '' : today());
  const actor = params.get('actor') ?? '';
  const [actorInput, setActorInput] = useState(actor);
  const list = usePagedList<AccessRecord>(
    (cursor, signal) => api.listAccessLogs({ model_id: modelId, day: day || undefined, actor: actor || undefined }, cursor, signal),
    [modelId, day, actor],
  );
  const names = useModelNames(list.items.map((item) => item.model_id));

  function set(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  return (
    <Stack>
      <PageHeader
        title="Report access log"
        description="Every compliance report generated, by whom and when (PDF, JSON or in a bulk pack), with the hash of what they got. Reading is not a change: these records are kept apart from the models' audit trails."
      />
      <Paper p="md" component="form" aria-label="Access log filters" onSubmit={(e) => { e.preventDefault(); set('actor', actorInput.trim()); }}>
        <Group align="flex-end" wrap="wrap">
          <TextInput type="date" label="Day (UTC)" value={day} onChange={(e) => set('day', e.currentTarget.value)}
            description={modelId ? 'Empty: every day' : 'One day at a time'} w={{ base: '100%', sm: 200 }} />
          <TextInput label="Fetched by" placeholder="username" value={actorInput} onChange={(e) => setActorInput(e.currentTarget.value)}
            onBlur={() => set('actor', actorInput.trim())} w={{ base: '100%', sm: 220 }} />
          {modelId && (
            <Badge variant="light" size="lg" tt="none">
              Model: {names[modelId] ?? `#${modelId}`}{' '}
              <Anchor component="button" type="button" size="xs" onClick={() => set('model', '')} aria-label="Show every model">
                (all models)
              </Anchor>
            </Badge>
          )}
        </Group>
      </Paper>
      <Paper p="lg">
        {list.loading ? (
          <LoadingState label="Loading the access log…" />
        ) : list.error instanceof ApiError && list.error.status === 404 ? (
          <NotAvailable what="The access log" />
        ) : list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} title="Could not load the access log" />
        ) : list.items.length === 0 ? (
          <EmptyState title="No report was fetched">
            {modelId ? 'Nobody generated a report of this model' : `Nobody generated a report on ${day}`}
            {actor ? ` as ${actor}` : ''}.
          </EmptyState>
        ) : (
          <>
            <ScrollRegion label="Report accesses, scrollable" minWidth={760}>
              <Table aria-label="Report accesses" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When (UTC)</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>Model</Table.Th>
                    <Table.Th>Report</Table.Th>
                    <Table.Th>SHA-256 of the file</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((item) => (
                    <Table.Tr key={item.event_id}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Text size="sm">{item.time.slice(0, 19).replace('T', ' ')}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Anchor component="button" type="button" size="sm" onClick={() => { setActorInput(item.actor.username); set('actor', item.actor.username); }}>
                          {item.actor.username}
                        </Anchor>
                        <Text size="xs" c="dimmed">{item.actor.role}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/models/${item.model_id}`} size="sm">
                          {names[item.model_id] ?? `model #${item.model_id}`}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{item.report.format.toUpperCase()}{item.report.bulk_job_id ? ' in a bulk pack' : ''}</Text>
                        <Text size="xs" c="dimmed">{item.report.file_name ?? item.report.report_id} · {item.report.size_bytes.toLocaleString()} bytes</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>{item.report.sha256}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollRegion>
            <LoadMore hasMore={list.hasMore} loading={list.loadingMore} error={list.moreError} onLoadMore={list.loadMore}
              shown={list.items.length} noun="accesses" />
          </>
        )}
      </Paper>
    </Stack>
  );
}
