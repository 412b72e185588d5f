import { Alert, Anchor, Button, Card, Collapse, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAdjustmentsHorizontal, IconDownload, IconFileZip } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, type AuditQuery, type AuditRecord, type Model, type Page } from '../api/types';
import { ChangeList, RecordObject } from '../components/audit/AuditTimeline';
import { ChainSummary } from '../components/audit/ChainSummary';
import { RoleBadge } from '../components/Badges';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { useModelNames } from '../hooks/useNames';
import { usePagedList } from '../hooks/usePagedList';
import { auditCsv } from '../lib/auditExport';
import { download } from '../lib/download';
import { errorMessage, formatDateTime, humanizeAction } from '../lib/format';
import { NARROW } from '../lib/layout';

const TEXT_KEYS = ['actor'] as const;
/** The CSV export reads at most this many records (pages of 100). */
const EXPORT_LIMIT = 5000;
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
    actor: params.get('actor') ?? '',
  }));
  const narrow = useMediaQuery(NARROW) ?? false;
  const [filtersOpen, filtersToggle] = useDisclosure(false);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const models = useAsync<Page<Model>>((signal) => api.listModels({}, null, signal, 100), []);
  const modelOptions = (models.data?.items ?? []).map((m) => ({ value: String(m.id), label: m.name }));
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
    if (changed) {
      const actor = debounced.actor.trim();
      // actor, action and object are each an index of their own: one of them at a time (the API refuses two)
      setParam(actor ? { actor, action: '', entity: '' } : { actor });
    }
    // The URL follows the settled inputs only.
  }, [debounced]);

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
  const names = useModelNames(list.items.map((r) => r.model_id));
  const nameOf = (id: number) => names[id] ?? (id === 0 ? 'Policy set' : `model #${id}`);

  async function exportCsv() {
    setExporting('csv');
    setExportError(null);
    try {
      const records: AuditRecord[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<AuditRecord> = await api.listAuditLogs(query, cursor, 100);
        records.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor && records.length < EXPORT_LIMIT);
      const known: Record<number, string> = { ...names };
      for (const m of models.data?.items ?? []) known[m.id] = m.name;
      download(`audit-log-${new Date().toISOString().slice(0, 10)}.csv`, new Blob([auditCsv(records, known)], { type: 'text/csv;charset=utf-8' }));
    } catch (error) {
      setExportError(errorMessage(error));
    } finally {
      setExporting(null);
    }
  }

  async function exportBundle() {
    if (!query.model_id) return;
    setExporting('bundle');
    setExportError(null);
    try {
      const link = await api.exportModelAudit(Number(query.model_id));
      window.location.assign(link.download_url);
    } catch (error) {
      setExportError(errorMessage(error));
    } finally {
      setExporting(null);
    }
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what, when and why, across every model. Records are immutable and hash-chained per model."
        actions={
          <>
            <Button variant="default" leftSection={<IconDownload size={16} />} onClick={exportCsv} loading={exporting === 'csv'}>
              Export CSV
            </Button>
            <Button
              variant="default"
              leftSection={<IconFileZip size={16} />}
              onClick={exportBundle}
              loading={exporting === 'bundle'}
              disabled={!query.model_id}
              title={query.model_id ? undefined : 'Choose a model: each model has its own hash chain and bundle'}
            >
              Verifiable bundle
            </Button>
          </>
        }
      />
      {exportError && (
        <Alert color="red" variant="light" mb="md" role="alert" title="Export failed">
          {exportError}
        </Alert>
      )}
      <ChainSummary />
      <Paper p="md" mb="md" component="section" aria-label="Filters">
        {narrow && (
          <Button
            variant="default"
            leftSection={<IconAdjustmentsHorizontal size={16} />}
            onClick={filtersToggle.toggle}
            aria-expanded={filtersOpen}
            aria-controls="audit-filters"
            mb={filtersOpen ? 'sm' : 0}
          >
            {filtered ? `Filters (${[...params.keys()].length})` : 'Filters'}
          </Button>
        )}
        <Collapse in={!narrow || filtersOpen} id="audit-filters">
        <Group gap="sm" align="flex-start" wrap="wrap">
          <Select
            label="Model"
            placeholder="Any model"
            data={modelOptions}
            value={params.get('model_id')}
            onChange={(value) => setParam({ model_id: value ?? '' })}
            searchable
            clearable
            nothingFoundMessage="No model by that name"
            w={{ base: '100%', sm: 200 }}
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
            onChange={(value) => {
              if (value) setDraft({ actor: '' });
              setParam(value ? { action: value, actor: '', entity: '' } : { action: '' });
            }}
            clearable
            w={{ base: '100%', sm: 170 }}
          />
          <Select
            label="Object"
            placeholder="Any object"
            data={ENTITY_OPTIONS}
            value={params.get('entity')}
            onChange={(value) => {
              if (value) setDraft({ actor: '' });
              setParam(value ? { entity: value, actor: '', action: '' } : { entity: '' });
            }}
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
                setDraft({ actor: '' });
                setParams(new URLSearchParams(), { replace: true });
              }}
            >
              Clear filters
            </Button>
          )}
        </Group>
        </Collapse>
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
        ) : narrow ? (
          <Stack gap="sm" p="sm" component="ul" aria-label="Audit records" style={{ listStyle: 'none', margin: 0 }}>
            {list.items.map((record) => (
              <Card key={`${record.model_id}-${record.sequence}`} component="li" padding="sm">
                <Text size="sm" fw={600}>
                  {humanizeAction(record.action)} · <RecordObject record={record} inline />
                </Text>
                <Anchor component={Link} to={`/models/${record.model_id}?tab=audit`} size="sm">
                  {nameOf(record.model_id)}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {formatDateTime(record.time)} · {record.actor?.username ?? 'unknown'} · record {record.sequence}
                </Text>
                {record.reason && <Text size="sm">“{record.reason}”</Text>}
                <ChangeList record={record} />
              </Card>
            ))}
          </Stack>
        ) : (
          <Table verticalSpacing="sm" horizontalSpacing="sm" aria-label="Audit records" highlightOnHover layout="fixed">
            <Table.Thead bg="var(--mantine-color-gray-0)">
              <Table.Tr>
                <Table.Th w={150}>Time</Table.Th>
                <Table.Th w={190}>Model</Table.Th>
                <Table.Th w={170}>Action</Table.Th>
                <Table.Th w={150}>Actor</Table.Th>
                <Table.Th>Reason and changes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((record) => (
                <Table.Tr key={`${record.model_id}-${record.sequence}`} style={{ verticalAlign: 'top' }}>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(record.time)}</Text>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Anchor component={Link} to={`/models/${record.model_id}?tab=audit`} size="sm">
                      {nameOf(record.model_id)}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      record {record.sequence}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Text size="sm" fw={600}>
                      {humanizeAction(record.action)}
                    </Text>
                    <RecordObject record={record} />
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Text size="sm">{record.actor?.username ?? 'unknown'}</Text>
                    {record.actor?.role && <RoleBadge role={record.actor.role} size="xs" />}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Text size="sm" c={record.reason ? undefined : 'dimmed'}>
                      {record.reason || '—'}
                    </Text>
                    <ChangeList record={record} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
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
