import { Button, Card, Group, Paper, SimpleGrid, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowDownRight, IconArrowUpRight, IconPlus } from '@tabler/icons-react';
import { lazy, Suspense, useMemo } from 'react';
import { useApi } from '../../api/ApiContext';
import type { Metric, Model, Version } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { formatMetric } from '../../lib/format';
import { buildMetricSeries, type MetricSeries } from '../../lib/metrics';
import { EmptyState, ErrorState, LoadingState } from '../States';
import { ScrollRegion } from '../ScrollRegion';
import { AddMetricModal } from './AddMetricModal';

const MetricTrendChart = lazy(() => import('../../charts/MetricTrendChart'));

/** Metrics of at most this many recent versions are fetched for the trends. */
const MAX_VERSIONS = 20;

function Delta({ series }: { series: MetricSeries }) {
  if (series.latest === null || series.previous === null) return null;
  const delta = series.latest - series.previous;
  if (delta === 0) {
    return (
      <Text size="xs" c="dimmed">
        unchanged
      </Text>
    );
  }
  const Icon = delta > 0 ? IconArrowUpRight : IconArrowDownRight;
  return (
    <Group gap={2} c="dimmed" wrap="nowrap">
      <Icon size={14} aria-hidden />
      <Text size="xs">
        {delta > 0 ? '+' : ''}
        {formatMetric(delta)} vs previous
      </Text>
    </Group>
  );
}

export function MetricsPanel({ model, versions, canWrite }: { model: Model; versions: Version[]; canWrite: boolean }) {
  const api = useApi();
  const [opened, modal] = useDisclosure(false);
  const recent = versions.slice(0, MAX_VERSIONS);
  const versionKey = recent.map((v) => v.id).join(',');

  const metrics = useAsync<Metric[]>(
    async (signal) => {
      const pages = await Promise.all(recent.map((v) => api.listMetrics(v.id, signal)));
      return pages.flatMap((p) => p.items);
    },
    [versionKey],
  );

  const series = useMemo(() => buildMetricSeries(recent, metrics.data ?? []), [versionKey, metrics.data]);
  const retired = model.compliance_status === 'retired';

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Evaluation results per version, with their trend from the oldest to the newest version.
        </Text>
        {canWrite && versions.length > 0 && !retired && (
          <Button leftSection={<IconPlus size={16} />} onClick={modal.open} variant="light">
            Add metric
          </Button>
        )}
      </Group>
      {versions.length === 0 ? (
        <Paper>
          <EmptyState title="No versions yet">Metrics are recorded per version; register a version first.</EmptyState>
        </Paper>
      ) : metrics.loading && !metrics.data ? (
        <LoadingState label="Loading metrics…" />
      ) : metrics.error ? (
        <ErrorState error={metrics.error} onRetry={metrics.reload} title="Could not load metrics" />
      ) : series.length === 0 ? (
        <Paper>
          <EmptyState title="No metrics recorded">
            {canWrite ? 'Add accuracy, F1, bias scores… for a version.' : 'No evaluation results have been pushed yet.'}
          </EmptyState>
        </Paper>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
            {series.map((s) => (
              <Card key={s.name} padding="md" aria-label={`Metric ${s.name}`} component="section">
                <Text size="xs" tt="uppercase" fw={700} c="dimmed" truncate title={s.name}>
                  {s.name}
                </Text>
                <Group justify="space-between" align="baseline" mb="xs" wrap="nowrap">
                  <Text fz={24} fw={700}>
                    {s.latest === null ? '—' : formatMetric(s.latest)}
                  </Text>
                  <Delta series={s} />
                </Group>
                <Suspense fallback={<Skeleton h={120} />}>
                  <MetricTrendChart name={s.name} points={s.points} />
                </Suspense>
              </Card>
            ))}
          </SimpleGrid>
          <Paper p={0}>
            <ScrollRegion label="Metrics, scrollable" minWidth={400}>
              <Table verticalSpacing="xs" horizontalSpacing="md" aria-label="Metrics by version" striped>
                <Table.Thead bg="var(--mantine-color-gray-0)">
                  <Table.Tr>
                    <Table.Th>Version</Table.Th>
                    {series.map((s) => (
                      <Table.Th key={s.name} ta="right">
                        {s.name}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {recent.map((version) => (
                    <Table.Tr key={version.id}>
                      <Table.Td ff="monospace">{version.version_tag}</Table.Td>
                      {series.map((s) => {
                        const point = s.points.find((p) => p.versionId === version.id);
                        return (
                          <Table.Td key={s.name} ta="right" ff="monospace">
                            {point?.value === null || point === undefined ? '—' : formatMetric(point.value)}
                          </Table.Td>
                        );
                      })}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollRegion>
          </Paper>
        </>
      )}
      {canWrite && (
        <AddMetricModal
          riskLevel={model.risk_level}
          versions={versions}
          knownNames={series.map((s) => s.name)}
          opened={opened}
          onClose={modal.close}
          onCreated={(metric) => {
            modal.close();
            notifications.show({ color: 'green', title: 'Metric added', message: `${metric.metric_name} = ${formatMetric(metric.value)}` });
            metrics.reload();
          }}
        />
      )}
    </Stack>
  );
}
