import { Anchor, Badge, Box, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext';
import type { AuditRecord, Model, Page } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { approvalsPerWeek, byTeam, flaggedApprovals, waitingForReview, type Flagged } from '../../lib/attention';
import { RiskBadge } from '../Badges';
import { ScrollRegion } from '../ScrollRegion';
import { EmptyState, ErrorState, LoadingState } from '../States';
import { MonitoringAttention } from './MonitoringAttention';

/** At most this many models of a status are read for the panel (one page); the panel says when there are more. */
const SCAN_LIMIT = 100;
const TREND_WEEKS = 12;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function FlaggedList({ items, label }: { items: Flagged[]; label: string }) {
  return (
    <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={label}>
      {items.map(({ model, rules }) => (
        <Box component="li" key={model.id}>
          <Anchor component={Link} to={`/models/${model.id}?tab=compliance`} fw={600} size="sm">
            {model.name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {rules.map((r) => `${r.rule_id}: ${r.reason}`).join(' · ')}
          </Text>
        </Box>
      ))}
    </Stack>
  );
}

/** What a compliance officer should look at first: waiting reviews (longest first), reopened approvals, violations, stale metrics. */
export function NeedsAttention() {
  const api = useApi();
  const data = useAsync<{ review: Page<Model>; approved: Page<Model> }>(async (signal) => {
    const [review, approved] = await Promise.all([
      api.listModels({ compliance_status: 'under_review' }, null, signal, SCAN_LIMIT),
      api.listModels({ compliance_status: 'approved' }, null, signal, SCAN_LIMIT),
    ]);
    return { review, approved };
  }, []);
  if (data.loading) return <LoadingState label="Loading what needs attention…" />;
  if (data.error || !data.data) return <ErrorState error={data.error} onRetry={data.reload} title="Could not load what needs attention" />;
  const waiting = waitingForReview(data.data.review.items);
  const reopened = waiting.filter((w) => w.reopened);
  const { stale, violations } = flaggedApprovals(data.data.approved.items);
  if (waiting.length === 0 && stale.length === 0 && violations.length === 0) {
    return (
      <Stack gap="md">
        <EmptyState title="Nothing to review" icon="✓">
          No model is waiting for a decision and no approved model breaks the active policy.
        </EmptyState>
        <MonitoringAttention />
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      <Group gap="xs">
        <Badge color="blue" variant="light">{plural(waiting.length, 'waiting for review', 'waiting for review')}</Badge>
        <Badge color="orange" variant="light">{plural(reopened.length, 'reopened approval', 'reopened approvals')}</Badge>
        <Badge color="red" variant="light">{plural(violations.length, 'policy violation', 'policy violations')}</Badge>
        <Badge color="yellow" variant="light">{plural(stale.length, 'with stale metrics', 'with stale metrics')}</Badge>
      </Group>
      {waiting.length > 0 && (
        <Stack gap={6}>
          <Title order={3} fz="sm">
            Waiting for review, longest first
          </Title>
          <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Models awaiting review">
            {waiting.slice(0, 8).map(({ model, days, reopened: again, signoffs }) => (
              <Group key={model.id} justify="space-between" component="li" wrap="nowrap">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/models/${model.id}`} fw={600} size="sm" truncate>
                    {model.name}
                  </Anchor>
                  <Text size="xs" c="dimmed" truncate>
                    {model.team || model.owner} · waiting {days === 0 ? 'since today' : plural(days, 'day', 'days')}
                    {again ? ' · approval reopened' : ''}
                    {signoffs ? ` · ${signoffs}` : ''}
                  </Text>
                </Stack>
                <RiskBadge level={model.risk_level} />
              </Group>
            ))}
          </Stack>
          {(waiting.length > 8 || data.data.review.next_cursor) && (
            <Anchor component={Link} to="/models?compliance_status=under_review" size="sm">
              See all models under review
            </Anchor>
          )}
        </Stack>
      )}
      {reopened.length > 0 && (
        <Stack gap={6}>
          <Title order={3} fz="sm">
            Reopened approvals
          </Title>
          <Text size="xs" c="dimmed">
            A governed change invalidated these approvals; they are back under review.
          </Text>
          <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Reopened approvals">
            {reopened.map(({ model }) => (
              <Box component="li" key={model.id}>
                <Anchor component={Link} to={`/models/${model.id}?tab=audit`} size="sm" fw={600}>
                  {model.name}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {model.approval?.invalidated
                    ? `${model.approval.invalidated.by} changed ${model.approval.invalidated.fields.join(', ')}`
                    : model.last_change_reason}
                </Text>
              </Box>
            ))}
          </Stack>
        </Stack>
      )}
      {violations.length > 0 && (
        <Stack gap={6}>
          <Title order={3} fz="sm">
            Approved models that break the active policy
          </Title>
          <FlaggedList items={violations} label="Policy violations" />
        </Stack>
      )}
      {stale.length > 0 && (
        <Stack gap={6}>
          <Title order={3} fz="sm">
            Stale metrics
          </Title>
          <FlaggedList items={stale} label="Stale metrics" />
        </Stack>
      )}
      {data.data.approved.next_cursor && (
        <Text size="xs" c="dimmed">
          Checked the first {SCAN_LIMIT} approved models.
        </Text>
      )}
      <MonitoringAttention />
    </Stack>
  );
}

/** Approvals per week over the last twelve weeks, from the audit trail's status changes. */
export function ApprovalTrend() {
  const api = useApi();
  const records = useAsync<AuditRecord[]>(async (signal) => {
    const from = new Date(Date.now() - TREND_WEEKS * 7 * 86_400_000).toISOString();
    const all: AuditRecord[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const next: Page<AuditRecord> = await api.listAuditLogs({ action: 'status_change', from }, cursor, 100, signal);
      all.push(...next.items);
      cursor = next.next_cursor;
      if (!cursor) break;
    }
    return all;
  }, []);
  if (records.loading) return <LoadingState label="Loading approvals…" />;
  if (records.error || !records.data) return <ErrorState error={records.error} onRetry={records.reload} title="Could not load approvals" />;
  const weeks = approvalsPerWeek(records.data, TREND_WEEKS);
  const top = Math.max(1, ...weeks.map((w) => w.count));
  const total = weeks.reduce((sum, w) => sum + w.count, 0);
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">
        {plural(total, 'approval', 'approvals')} in the last {TREND_WEEKS} weeks.
      </Text>
      <Table verticalSpacing={2} aria-label="Approvals per week" withRowBorders={false}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={110}>Week of</Table.Th>
            <Table.Th>Approvals</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {weeks.map(({ week, count }) => (
            <Table.Tr key={week}>
              <Table.Td>
                <Text size="xs">{new Date(`${week}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })}</Text>
              </Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Box h={10} w={`${(count / top) * 80}%`} miw={count ? 4 : 0} bg="green.8" style={{ borderRadius: 3 }} aria-hidden />
                  <Text size="xs" fw={600}>
                    {count}
                  </Text>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Models per owning team, with how many are approved, under review and high risk. */
export function TeamBreakdown({ total }: { total: number }) {
  const api = useApi();
  const models = useAsync<Page<Model>>((signal) => api.listModels({}, null, signal, SCAN_LIMIT), []);
  if (models.loading) return <LoadingState label="Loading teams…" />;
  if (models.error || !models.data) return <ErrorState error={models.error} onRetry={models.reload} title="Could not load teams" />;
  const rows = byTeam(models.data.items);
  return (
    <Stack gap="xs">
      {models.data.next_cursor && (
        <Text size="xs" c="dimmed">
          Counted over the first {models.data.items.length} of {total} models, by name.
        </Text>
      )}
      <ScrollRegion label="Models by team, scrollable" minWidth={420}>
        <Table verticalSpacing={4} aria-label="Models by team">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Team</Table.Th>
              <Table.Th ta="right">Models</Table.Th>
              <Table.Th ta="right">Approved</Table.Th>
              <Table.Th ta="right">Under review</Table.Th>
              <Table.Th ta="right">Draft</Table.Th>
              <Table.Th ta="right">High risk or above</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.team}>
                <Table.Td>
                  <Text size="sm">{row.team}</Text>
                </Table.Td>
                <Table.Td ta="right">{row.total}</Table.Td>
                <Table.Td ta="right">{row.approved}</Table.Td>
                <Table.Td ta="right">{row.underReview}</Table.Td>
                <Table.Td ta="right">{row.draft}</Table.Td>
                <Table.Td ta="right">{row.highRisk}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollRegion>
    </Stack>
  );
}
