import { Group, List, Text, Timeline } from '@mantine/core';
import type { AuditRecord } from '../../api/types';
import { formatAuditValue, formatDateTime, humanizeAction } from '../../lib/format';
import { RoleBadge } from '../Badges';

/** Bookkeeping fields that change on every write and say nothing to a reader. */
const NOISE = new Set(['revision', 'updated_at', 'updated_by', 'last_change_reason', 'created_at', 'created_by']);
const MAX_CHANGES = 6;

function colorFor(action: string): string {
  if (action === 'delete') return 'red';
  if (action === 'status_change') return 'blue';
  if (action === 'risk_change') return 'orange';
  if (action === 'create') return 'indigo';
  if (action === 'report_generated') return 'teal';
  return 'gray';
}

export function ChangeList({ record }: { record: AuditRecord }) {
  const entries = Object.entries(record.changes ?? {}).filter(([field]) => !NOISE.has(field));
  if (entries.length === 0) return null;
  const shown = entries.slice(0, MAX_CHANGES);
  return (
    <List size="xs" spacing={2} mt={4} listStyleType="none" aria-label={`Changes in record ${record.sequence}`}>
      {shown.map(([field, change]) => (
        <List.Item key={field}>
          <Text span size="xs" c="dimmed" ff="monospace">
            {field}
          </Text>{' '}
          {record.action === 'create' || change.before === undefined || change.before === null ? (
            <Text span size="xs">
              {formatAuditValue(field, change.after)}
            </Text>
          ) : (
            <Text span size="xs">
              {formatAuditValue(field, change.before)} → <b>{formatAuditValue(field, change.after)}</b>
            </Text>
          )}
        </List.Item>
      ))}
      {entries.length > shown.length && (
        <List.Item>
          <Text span size="xs" c="dimmed">
            and {entries.length - shown.length} more
          </Text>
        </List.Item>
      )}
    </List>
  );
}

export function AuditTimeline({ records }: { records: AuditRecord[] }) {
  return (
    <Timeline bulletSize={14} lineWidth={2} aria-label="Audit timeline">
      {records.map((record) => (
        <Timeline.Item
          key={`${record.model_id}-${record.sequence}`}
          color={colorFor(record.action)}
          title={
            <Group gap={8}>
              <Text fw={600} size="sm">
                {humanizeAction(record.action)}
              </Text>
              {record.entity && (
                <Text size="xs" c="dimmed">
                  {record.entity}
                  {record.entity !== 'model' && record.entity_id !== undefined && record.entity_id !== null
                    ? ` #${record.entity_id}`
                    : ''}
                </Text>
              )}
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
