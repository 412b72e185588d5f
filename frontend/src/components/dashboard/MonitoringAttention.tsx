import { Anchor, Badge, Box, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext';
import type { Finding, Incident, Page, ReviewSchedule } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { useModelNames } from '../../hooks/useNames';
import { deadlineCountdown, reviewDue } from '../../lib/monitoring';
import { ApiError } from '../../api/client';
import { ErrorState, LoadingState, NotAvailable } from '../States';

const LIST = { listStyle: 'none', padding: 0, margin: 0 } as const;

/** A deadline said in words; overdue ones also in a red badge (never colour alone). */
export function DeadlineBadge({ overdue, text }: { overdue: boolean; text: string }) {
  return (
    <Badge color={overdue ? 'red' : 'gray'} variant="light" size="sm" style={{ textTransform: 'none', flexShrink: 0 }}>
      {text}
    </Badge>
  );
}

/** Post-market monitoring in the needs-attention panel: open findings, reviews due or overdue, owed incident reports. */
export function MonitoringAttention() {
  const api = useApi();
  const data = useAsync<{ findings: Page<Finding>; reviews: Page<ReviewSchedule>; incidents: Page<Incident> }>(async (signal) => {
    const [findings, reviews, incidents] = await Promise.all([
      api.openFindings(signal),
      api.reviewsDue(signal),
      api.incidents({ status: 'open' }, null, signal),
    ]);
    return { findings, reviews, incidents };
  }, []);
  const ids = data.data ? [...data.data.findings.items.map((f) => f.model_id), ...data.data.reviews.items.map((r) => r.model_id), ...data.data.incidents.items.map((i) => i.model_id)] : [];
  const names = useModelNames(ids);
  if (data.loading) return <LoadingState label="Loading monitoring…" />;
  if (data.error instanceof ApiError && data.error.status === 404) return <NotAvailable what="Post-market monitoring" />;
  if (data.error || !data.data) return <ErrorState error={data.error} onRetry={data.reload} title="Could not load monitoring" />;
  const { findings, reviews, incidents } = data.data;
  const owed = incidents.items.filter((i) => i.deadline_at);
  const name = (id: number) => names[id] ?? `Model ${id}`;
  return (
    <Stack gap="md" aria-label="Post-market monitoring">
      <Group gap="xs">
        <Badge color="red" variant="light">{`${findings.items.length} open finding${findings.items.length === 1 ? '' : 's'}`}</Badge>
        <Badge color="orange" variant="light">{`${reviews.items.length} review${reviews.items.length === 1 ? '' : 's'} due`}</Badge>
        <Badge color="grape" variant="light">{`${owed.length} incident report${owed.length === 1 ? '' : 's'} owed`}</Badge>
      </Group>
      {findings.items.length > 0 && (
        <Stack gap={6}>
          <Title order={3} fz="sm">Open monitoring findings</Title>
          <Stack gap={4} component="ul" style={LIST} aria-label="Open monitoring findings">
            {findings.items.map((f) => (
              <Box component="li" key={`${f.model_id}-${f.metric}`}>
                <Anchor component={Link} to={`/models/${f.model_id}?tab=monitoring`} size="sm" fw={600}>{name(f.model_id)}</Anchor>
                <Text size="xs" c="dimmed">{f.reason} · since {new Date(f.opened_at).toLocaleDateString()}</Text>
              </Box>
            ))}
          </Stack>
        </Stack>
      )}
      {reviews.items.length > 0 && (
        <Stack gap={6}>
          <Title order={3} fz="sm">Periodic reviews due or overdue</Title>
          <Stack gap={4} component="ul" style={LIST} aria-label="Reviews due or overdue">
            {reviews.items.map((r) => {
              const due = reviewDue(r);
              return (
                <Group component="li" key={r.model_id} justify="space-between" wrap="nowrap">
                  <Anchor component={Link} to={`/models/${r.model_id}?tab=monitoring`} size="sm" fw={600}>{name(r.model_id)}</Anchor>
                  <DeadlineBadge {...due} />
                </Group>
              );
            })}
          </Stack>
        </Stack>
      )}
      {owed.length > 0 && (
        <Stack gap={6}>
          <Title order={3} fz="sm">Serious incidents: Art. 73 initial report</Title>
          <Stack gap={4} component="ul" style={LIST} aria-label="Incident report deadlines">
            {owed.map((i) => {
              const countdown = deadlineCountdown(i);
              return (
                <Group component="li" key={i.id} justify="space-between" wrap="nowrap">
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Anchor component={Link} to="/incidents" size="sm" fw={600} truncate>{i.title}</Anchor>
                    <Text size="xs" c="dimmed" truncate>{name(i.model_id)} · {i.deadline_article}</Text>
                  </Stack>
                  {countdown && <DeadlineBadge {...countdown} />}
                </Group>
              );
            })}
          </Stack>
        </Stack>
      )}
    </Stack>
  );
}
