import { Anchor, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, type AuditQuery, type AuditRecord } from '../api/types';
import { ChangeList } from '../components/audit/AuditTimeline';
import { RoleBadge } from '../components/Badges';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { usePagedList } from '../hooks/usePagedList';
import { formatDateTime, humanizeAction } from '../lib/format';

const TEXT_KEYS = ['model_id', 'actor'] as const;
const ACTION_OPTIONS = AUDIT_ACTIONS.map((value) => ({ value, label: humanizeAction(value) }));
const ENTITY_OPTIONS = AUDIT_ENTITIES.map((value) => ({ value, label: value.charAt(0).toUpperCase() + value.slice(1) }));

/** A calendar day in the user's time zone, as the UTC instant of its first (or last) millisecond. */
export function dayBoundary(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export default function AuditLogPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<Record<(typeof TEXT_KEYS)[number], string>>(() => ({
    model_id: params.get('model_id') ?? '',
    actor: params.get('actor') ?? '',
  }));
  const [debounced] = useDebouncedValue(draft, 350);

  const setParam = (updates: Record<string, string>) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [k, v] of Object.entries(updates)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );

  useEffect(() => {
    const changed = TEXT_KEYS.some((k) => (params.get(k) ?? '') !== debounced[k].trim());
    if (changed) setParam(Object.fromEntries(TEXT_KEYS.map((k) => [k, debounced[k].trim()])));
    // The URL follows the settled inputs only.
  }, [debounced]);

  const modelIdInvalid = draft.model_id.trim() !== '' && !/^\d+$/.test(draft.model_id.trim());
  const query: AuditQuery = useMemo(() => {
    const q: AuditQuery = {};
    const modelId = params.get('model_id');
    if (modelId && /^\d+$/.test(modelId)) q.model_id = modelId;
    if (params.get('actor')) q.actor = params.get('actor') ?? undefined;
    if (params.get('action')) q.action = params.get('action') ?? undefined;
    if (params.get('entity')) q.entity = params.get('entity') ?? undefined;
    q.from = dayBoundary(params.get('from') ?? '', false);
    q.to = dayBoundary(params.get('to') ?? '', true);
    return q;
  }, [params]);
  const queryKey = JSON.stringify(query);
  const filtered = [...params.keys()].length > 0;

  const list = usePagedList<AuditRecord>((cursor, signal) => api.listAuditLogs(query, cursor, undefined, signal), [queryKey]);
  const unavailable = list.error instanceof ApiError && list.error.status === 404;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what, when and why, across every model. Records are immutable and hash-chained per model."
      />
      <Paper p="md" mb="md" component="section" aria-label="Filters">
        <Group gap="sm" align="flex-start" wrap="wrap">
          <TextInput
            label="Model ID"
            placeholder="Any model"
            inputMode="numeric"
            value={draft.model_id}
            onChange={(e) => setDraft({ ...draft, model_id: e.currentTarget.value })}
            error={modelIdInvalid ? 'A number' : undefined}
            w={{ base: '100%', sm: 110 }}
          />
          <TextInput
            label="Actor"
            placeholder="Any user"
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.currentTarget.value })}
            w={{ base: '100%', sm: 150 }}
          />
          <Select
            label="Action"
            placeholder="Any action"
            data={ACTION_OPTIONS}
            value={params.get('action')}
            onChange={(value) => setParam({ action: value ?? '' })}
            clearable
            w={{ base: '100%', sm: 170 }}
          />
          <Select
            label="Object"
            placeholder="Any object"
            data={ENTITY_OPTIONS}
            value={params.get('entity')}
            onChange={(value) => setParam({ entity: value ?? '' })}
            clearable
            w={{ base: '100%', sm: 140 }}
          />
          <TextInput
            type="date"
            label="From"
            value={params.get('from') ?? ''}
            onChange={(e) => setParam({ from: e.currentTarget.value })}
            w={{ base: '100%', sm: 150 }}
          />
          <TextInput
            type="date"
            label="To"
            value={params.get('to') ?? ''}
            onChange={(e) => setParam({ to: e.currentTarget.value })}
            w={{ base: '100%', sm: 150 }}
          />
          {filtered && (
            <Button
              variant="subtle"
              color="gray"
              mt={25}
              onClick={() => {
                setDraft({ model_id: '', actor: '' });
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              Clear filters
            </Button>
          )}
        </Group>
      </Paper>

      <Paper p={0} component="section" aria-label="Audit records">
        {list.loading ? (
          <LoadingState label="Loading audit records…" />
        ) : unavailable ? (
          <EmptyState title="Audit log not available">The audit log is not available on this deployment yet.</EmptyState>
        ) : list.error ? (
          <Stack p="md">
            <ErrorState error={list.error} onRetry={list.reload} title="Could not load the audit log" />
          </Stack>
        ) : list.items.length === 0 ? (
          <EmptyState title={filtered ? 'No records match these filters' : 'No audit records yet'}>
            {filtered ? 'Widen the date range or clear the filters.' : 'Every change to a model will be recorded here.'}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Audit records" highlightOnHover>
              <Table.Thead bg="var(--mantine-color-gray-0)">
                <Table.Tr>
                  <Table.Th>Time</Table.Th>
                  <Table.Th>Model</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>Actor</Table.Th>
                  <Table.Th>Reason and changes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.items.map((record) => (
                  <Table.Tr key={`${record.model_id}-${record.sequence}`}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{formatDateTime(record.time)}</Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Anchor component={Link} to={`/models/${record.model_id}?tab=audit`} size="sm">
                        #{record.model_id}
                      </Anchor>
                      <Text span size="xs" c="dimmed" ff="monospace">
                        {' '}
                        seq {record.sequence}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" fw={600}>
                        {humanizeAction(record.action)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {record.entity ?? ''}
                        {record.entity && record.entity !== 'model' && record.entity_id != null ? ` #${record.entity_id}` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {record.actor?.username ?? 'unknown'}
                        </Text>
                        {record.actor?.role && <RoleBadge role={record.actor.role} size="xs" />}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={record.reason ? undefined : 'dimmed'} lineClamp={2}>
                        {record.reason || '—'}
                      </Text>
                      <ChangeList record={record} />
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
          noun="records"
        />
      )}
    </>
  );
}
