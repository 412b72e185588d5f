import { Anchor, Box, Card, Grid, Group, SimpleGrid, Skeleton, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconClockHour4, IconCube } from '@tabler/icons-react';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import { RISK_LEVELS, STATUSES, type AuditRecord, type DashboardStats, type Model, type Page } from '../api/types';
import { RiskBadge, StatusBadge } from '../components/Badges';
import { ApprovalTrend, NeedsAttention, TeamBreakdown } from '../components/dashboard/Attention';
import { EvidenceAttention } from '../components/dashboard/EvidenceAttention';
import { LoadMore } from '../components/LoadMore';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, LoadingState, NotAvailable } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { usePagedList } from '../hooks/usePagedList';
import { useModelNames } from '../hooks/useNames';
import { STATUS_COLORS, STATUS_LABELS, formatRelative, humanizeAction } from '../lib/format';
import { DASHBOARD_MARKS, markOnce } from '../lib/perf';

let chartsModule: Promise<typeof import('../charts/DashboardCharts')> | null = null;
/** The chart code loads once, starting as soon as the page renders, in parallel with the stats request. */
function loadCharts() {
  chartsModule ??= import('../charts/DashboardCharts');
  return chartsModule;
}
const RiskBarChart = lazy(() => loadCharts().then((m) => ({ default: m.RiskBarChart })));
const StatusDonutChart = lazy(() => loadCharts().then((m) => ({ default: m.StatusDonutChart })));

function StatCard({ label, value, icon, color }: { label: string; value: number; icon: ReactNode; color: string }) {
  return (
    <Card padding="lg" aria-label={label} component="section">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text size="xs" tt="uppercase" fw={700} c="dimmed">
            {label}
          </Text>
          <Text fz={32} fw={700} lh={1.1}>
            {value}
          </Text>
        </Stack>
        <ThemeIcon variant="light" color={color} size={40} radius="md" aria-hidden>
          {icon}
        </ThemeIcon>
      </Group>
    </Card>
  );
}

/** Models whose risk level differs from the questionnaire's suggestion, with the justification given. */
function OverrideList() {
  const api = useApi();
  const overrides = usePagedList<Model>((cursor, signal) => api.overrides(cursor, signal), []);
  if (overrides.loading) return <LoadingState label="Loading overrides…" />;
  if (overrides.error instanceof ApiError && overrides.error.status === 404) return <NotAvailable what="The override list" />;
  if (overrides.error) return <ErrorState error={overrides.error} onRetry={overrides.reload} title="Could not load the overrides" />;
  const models = overrides.items;
  if (models.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Every classified model has the risk level the questionnaire suggests.
      </Text>
    );
  }
  return (
    <>
      <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Classification overrides">
        {models.map((model) => (
          <Group key={model.id} justify="space-between" component="li" wrap="nowrap" align="flex-start">
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Anchor component={Link} to={`/models/${model.id}?tab=classification`} fw={600} size="sm" truncate>
                {model.name}
              </Anchor>
              <Text size="xs" c="dimmed">
                Suggested {model.classification?.suggested_risk_level} · {model.classification?.justification || 'no justification'}
              </Text>
            </Stack>
            <RiskBadge level={model.risk_level} />
          </Group>
        ))}
      </Stack>
      {overrides.hasMore ? (
        <LoadMore
          hasMore={overrides.hasMore}
          loading={overrides.loadingMore}
          error={overrides.moreError}
          onLoadMore={overrides.loadMore}
          shown={models.length}
          noun="overrides"
        />
      ) : null}
    </>
  );
}

function RecentChanges() {
  const api = useApi();
  const recent = useAsync<Page<AuditRecord>>((signal) => api.listAuditLogs({}, null, 10, signal), []);
  const names = useModelNames((recent.data?.items ?? []).map((r) => r.model_id));
  if (recent.loading) return <LoadingState label="Loading recent changes…" />;
  if (recent.error instanceof ApiError && recent.error.status === 404) return <NotAvailable what="The change feed" />;
  if (recent.error) return <ErrorState error={recent.error} onRetry={recent.reload} title="Could not load recent changes" />;
  const items = recent.data?.items ?? [];
  if (items.length === 0) return <Text size="sm" c="dimmed">No changes recorded yet.</Text>;
  return (
    <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Recent changes">
      {items.map((item) => (
        <Group key={`${item.model_id}-${item.sequence}`} justify="space-between" wrap="nowrap" component="li" gap="sm">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text size="sm" fw={600} truncate>
              {humanizeAction(item.action)}
              {item.entity && item.entity !== 'model' ? ` ${item.entity} on` : ''}{' '}
              <Anchor component={Link} to={`/models/${item.model_id}`} size="sm">
                {names[item.model_id] ?? `model #${item.model_id}`}
              </Anchor>
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {item.actor?.username ?? 'unknown'}
              {item.reason ? ` — “${item.reason}”` : ''}
            </Text>
          </Stack>
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} title={item.time}>
            {formatRelative(item.time)}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}

function Matrix({ stats }: { stats: DashboardStats }) {
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table withColumnBorders withTableBorder verticalSpacing="xs" aria-label="Risk level by status" ta="center">
        <Table.Thead bg="var(--mantine-color-gray-0)">
          <Table.Tr>
            <Table.Th>Risk level</Table.Th>
            {STATUSES.map((status) => (
              <Table.Th key={status} ta="center">
                {STATUS_LABELS[status]}
              </Table.Th>
            ))}
            <Table.Th ta="center">Total</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {RISK_LEVELS.map((level) => (
            <Table.Tr key={level}>
              <Table.Th ta="left">
                <RiskBadge level={level} />
              </Table.Th>
              {STATUSES.map((status) => {
                const count = stats.matrix[level]?.[status] ?? 0;
                return (
                  <Table.Td key={status} ta="center">
                    {count > 0 ? (
                      <Anchor
                        component={Link}
                        to={`/models?risk_level=${level}&compliance_status=${status}`}
                        fw={700}
                        c={STATUS_COLORS[status] === 'dark' ? 'dark' : `${STATUS_COLORS[status]}.7`}
                        aria-label={`${count} ${level} risk ${STATUS_LABELS[status].toLowerCase()} models`}
                      >
                        {count}
                      </Anchor>
                    ) : (
                      <Text span c="dimmed">
                        0
                      </Text>
                    )}
                  </Table.Td>
                );
              })}
              <Table.Td ta="center" fw={600}>
                {stats.by_risk_level[level] ?? 0}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export default function DashboardPage() {
  const api = useApi();
  const stats = useAsync<DashboardStats>((signal) => api.dashboardStats(signal), []);
  useEffect(() => {
    void loadCharts();
  }, []);
  const ready = stats.data !== undefined;
  useEffect(() => {
    if (ready) markOnce(DASHBOARD_MARKS.data);
  }, [ready]);

  return (
    <>
      <PageHeader title="Dashboard" description="Compliance posture of every AI model in the registry." />
      {stats.loading ? (
        <LoadingState label="Loading statistics…" />
      ) : stats.error || !stats.data ? (
        <ErrorState error={stats.error} onRetry={stats.reload} title="Could not load the dashboard" />
      ) : (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
            <StatCard label="Total models" value={stats.data.total} icon={<IconCube size={22} />} color="indigo" />
            <StatCard
              label="High risk or above"
              value={(stats.data.by_risk_level.high ?? 0) + (stats.data.by_risk_level.unacceptable ?? 0)}
              icon={<IconAlertTriangle size={22} />}
              color="orange"
            />
            <StatCard
              label="Awaiting review"
              value={stats.data.by_status.under_review ?? 0}
              icon={<IconClockHour4 size={22} />}
              color="blue"
            />
            <StatCard
              label="Approved"
              value={stats.data.by_status.approved ?? 0}
              icon={<IconCircleCheck size={22} />}
              color="green"
            />
          </SimpleGrid>

          <Grid gutter="md">
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Card padding="lg" h="100%" component="section" aria-label="Needs attention">
                <Title order={2} fz="md" mb="md">
                  Needs attention
                </Title>
                <NeedsAttention />
                <Box mt="md">
                  <EvidenceAttention />
                </Box>
                <Title order={3} fz="sm" mt="md" mb={6}>
                  Classification overrides
                </Title>
                <OverrideList />
              </Card>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <Card padding="lg" h="100%" component="section" aria-label="Recent changes">
                <Group justify="space-between" mb="md">
                  <Title order={2} fz="md">
                    Recent changes
                  </Title>
                  <Anchor component={Link} to="/audit" size="sm">
                    Full audit log
                  </Anchor>
                </Group>
                <RecentChanges />
              </Card>
            </Grid.Col>
          </Grid>

          <Grid gutter="md">
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Card padding="lg" h="100%" component="section" aria-label="Models by risk level">
                <Title order={2} fz="md" mb="md">
                  Models by risk level
                </Title>
                <Suspense fallback={<Skeleton h={240} />}>
                  <RiskBarChart stats={stats.data} />
                </Suspense>
              </Card>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Card padding="lg" h="100%" component="section" aria-label="Models by status">
                <Title order={2} fz="md" mb="md">
                  Models by status
                </Title>
                <Group justify="center" gap="xl" wrap="wrap">
                  <Suspense fallback={<Skeleton h={180} w={180} circle />}>
                    <StatusDonutChart stats={stats.data} />
                  </Suspense>
                  <Stack gap={6}>
                    {STATUSES.map((status) => (
                      <Group key={status} gap="xs" justify="space-between" miw={150}>
                        <StatusBadge status={status} />
                        <Text size="sm" fw={600}>
                          {stats.data?.by_status[status] ?? 0}
                        </Text>
                      </Group>
                    ))}
                  </Stack>
                </Group>
              </Card>
            </Grid.Col>
          </Grid>

          <Grid gutter="md">
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Card padding="lg" h="100%" component="section" aria-label="Approvals over time">
                <Title order={2} fz="md" mb="md">
                  Approvals over time
                </Title>
                <ApprovalTrend />
              </Card>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Card padding="lg" h="100%" component="section" aria-label="By team">
                <Title order={2} fz="md" mb="md">
                  By team
                </Title>
                <TeamBreakdown total={stats.data.total} />
              </Card>
            </Grid.Col>
          </Grid>

          <Card padding="lg" component="section" aria-label="Risk by status matrix">
            <Title order={2} fz="md" mb="md">
              Risk × status
            </Title>
            <Matrix stats={stats.data} />
          </Card>

        </Stack>
      )}
    </>
  );
}
