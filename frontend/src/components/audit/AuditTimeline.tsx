import { Group, Text, Timeline } from '@mantine/core';
import type { AuditRecord } from '../../api/types';
import { formatDateTime, humanizeAction } from '../../lib/format';
import { RoleBadge } from '../Badges';

function colorFor(action: string): string {
  const a = action.toLowerCase();
  if (a.includes('delete') || a.includes('retire')) return 'red';
  if (a.includes('approve')) return 'green';
  if (a.includes('status')) return 'blue';
  if (a.includes('risk')) return 'orange';
  if (a.includes('create') || a.includes('register')) return 'indigo';
  return 'gray';
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
                </Text>
              )}
              <Text size="xs" c="dimmed" ff="monospace">
                #{record.sequence}
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
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
