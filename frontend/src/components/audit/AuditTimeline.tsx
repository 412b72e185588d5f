import { Button, Group, List, Text, Timeline } from '@mantine/core';
import { useState } from 'react';
import type { AuditRecord } from '../../api/types';
import { useVersionTags } from '../../hooks/useNames';
import { formatAuditValue, formatDateTime, humanizeAction } from '../../lib/format';
import { RoleBadge } from '../Badges';

/** Bookkeeping fields that change on every write and say nothing to a reader. */
const NOISE = new Set(['revision', 'updated_at', 'updated_by', 'last_change_reason', 'created_at', 'created_by']);
/** Hashes, keys, storage paths and the approval bookkeeping (JSON): kept for evidence, shown when the reader opens the details. */
const TECHNICAL = /(sha256|hash|_key$|^key$|s3_|etag|object_version|^approval$|snapshot)/;
/** Fields holding a version id, shown as the version's tag. */
const VERSION_FIELDS = new Set(['approved_version_id', 'version_id', 'latest_version_id']);
const SHOWN_FIRST = 3;

function colorFor(action: string): string {
  if (action === 'delete') return 'red';
  if (action === 'status_change') return 'blue';
  if (action === 'risk_change') return 'orange';
  if (action === 'create') return 'indigo';
  if (action === 'report_generated') return 'teal';
  return 'gray';
}

function valueText(field: string, value: unknown, tags: Record<number, string>): string {
  if (VERSION_FIELDS.has(field) && typeof value === 'number') return tags[value] ?? `version #${value}`;
  return formatAuditValue(field, value);
}

/** What a record is about, by name: "version v1.2.0", "metric accuracy", "model". */
export function recordObject(record: AuditRecord, tags: Record<number, string>): string {
  const entity = record.entity ?? 'model';
  const after = (field: string) => {
    const change = record.changes?.[field];
    const value = change?.after ?? change?.before;
    return typeof value === 'string' ? value : null;
  };
  if (entity === 'version') {
    const id = typeof record.entity_id === 'number' ? record.entity_id : Number(record.entity_id);
    return `version ${after('version_tag') ?? tags[id] ?? `#${record.entity_id}`}`;
  }
  if (entity === 'metric') return `metric ${after('metric_name') ?? `#${record.entity_id}`}`;
  return entity;
}

/** The ids a record refers to that read better as version tags. */
export function versionIdsOf(record: AuditRecord): number[] {
  const ids: number[] = [];
  for (const [field, change] of Object.entries(record.changes ?? {})) {
    if (!VERSION_FIELDS.has(field)) continue;
    for (const v of [change.before, change.after]) if (typeof v === 'number') ids.push(v);
  }
  if (record.entity === 'version' && typeof record.entity_id === 'number') ids.push(record.entity_id);
  return ids;
}

/** A record's changes: the first few in words, the rest (and hashes, keys) behind "Show all". */
export function ChangeList({ record }: { record: AuditRecord }) {
  const [open, setOpen] = useState(false);
  const tags = useVersionTags(versionIdsOf(record));
  const entries = Object.entries(record.changes ?? {}).filter(([field]) => !NOISE.has(field));
  if (entries.length === 0) return null;
  const plain = entries.filter(([field]) => !TECHNICAL.test(field));
  const shown = open ? entries : plain.slice(0, SHOWN_FIRST);
  const hidden = entries.length - shown.length;
  const id = `changes-${record.model_id}-${record.sequence}`;
  return (
    <>
      <List size="xs" spacing={2} mt={4} listStyleType="none" aria-label={`Changes in record ${record.sequence}`} id={id}>
        {shown.map(([field, change]) => (
          <List.Item key={field} style={{ overflowWrap: 'anywhere' }}>
            <Text span size="xs" c="dimmed" ff="monospace">
              {field}
            </Text>{' '}
            {record.action === 'create' || change.before === undefined || change.before === null ? (
              <Text span size="xs">
                {valueText(field, change.after, tags)}
              </Text>
            ) : (
              <Text span size="xs">
                {valueText(field, change.before, tags)} → <b>{valueText(field, change.after, tags)}</b>
              </Text>
            )}
          </List.Item>
        ))}
      </List>
      {(hidden > 0 || open) && (
        <Button variant="subtle" size="compact-xs" mt={2} onClick={() => setOpen(!open)} aria-expanded={open} aria-controls={id}>
          {open ? 'Show fewer' : `Show all ${entries.length} changes`}
        </Button>
      )}
    </>
  );
}

export function AuditTimeline({ records }: { records: AuditRecord[] }) {
  return (
    <Timeline bulletSize={14} lineWidth={2} role="list" aria-label="Audit timeline">
      {records.map((record) => (
        <Timeline.Item
          role="listitem"
          key={`${record.model_id}-${record.sequence}`}
          color={colorFor(record.action)}
          title={
            <Group gap={8}>
              <Text fw={600} size="sm">
                {humanizeAction(record.action)}
              </Text>
              {record.entity && <RecordObject record={record} />}
              <Text size="xs" c="dimmed" ff="monospace">
                seq {record.sequence}
              </Text>
            </Group>
          }
        >
          <Group gap={6} mt={2}>
            <Text size="xs" c="dimmed">
              {formatDateTime(record.time)} by
            </Text>
            <Text size="xs" fw={600}>
              {record.actor?.username ?? 'unknown'}
            </Text>
            {record.actor?.role && <RoleBadge role={record.actor.role} size="xs" />}
          </Group>
          {record.reason && (
            <Text size="sm" mt={4} fs="italic">
              “{record.reason}”
            </Text>
          )}
          {record.claimed_context && (
            <Text size="xs" c="dimmed" mt={2} data-testid="claimed-context">
              Claimed by the pipeline (not verified):{' '}
              {Object.entries(record.claimed_context)
                .map(([key, value]) => `${key} ${value}`)
                .join(' · ')}
            </Text>
          )}
          <ChangeList record={record} />
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

export function RecordObject({ record, inline = false }: { record: AuditRecord; inline?: boolean }) {
  const tags = useVersionTags(versionIdsOf(record));
  return (
    <Text size="xs" c="dimmed" span={inline}>
      {recordObject(record, tags)}
    </Text>
  );
}
