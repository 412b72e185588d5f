import '@mantine/charts/styles.css';
import { BarChart, DonutChart } from '@mantine/charts';
import { useEffect } from 'react';
import { RISK_LEVELS, STATUSES, type DashboardStats } from '../api/types';
import { RISK_COLORS, RISK_LABELS, STATUS_COLORS, STATUS_LABELS } from '../lib/format';
import { DASHBOARD_MARKS, markOnce } from '../lib/perf';

const STATUS_CHART_COLORS: Record<string, string> = { ...STATUS_COLORS, draft: 'gray.5', retired: 'dark.4' };

/** One bar per risk level, each in its tier's colour (a stacked series per level keeps colours distinct). */
export function RiskBarChart({ stats }: { stats: DashboardStats }) {
  useEffect(() => markOnce(DASHBOARD_MARKS.riskChart), []);
  const data = RISK_LEVELS.map((level) => ({ level: RISK_LABELS[level], [level]: stats.by_risk_level[level] ?? 0 }));
  // The same counts are in the risk × status table; the drawing is hidden from screen readers.
  return (
    <div aria-hidden>
    <BarChart
      h={240}
      data={data}
      dataKey="level"
      type="stacked"
      series={RISK_LEVELS.map((level) => ({ name: level, label: RISK_LABELS[level], color: `${RISK_COLORS[level]}.6` }))}
      tickLine="none"
      gridAxis="y"
      withTooltip={false}
      withBarValueLabel
      yAxisProps={{ allowDecimals: false, width: 32 }}
      maxBarWidth={56}
    />
    </div>
  );
}

export function StatusDonutChart({ stats }: { stats: DashboardStats }) {
  useEffect(() => markOnce(DASHBOARD_MARKS.statusChart), []);
  const data = STATUSES.map((status) => ({
    name: STATUS_LABELS[status],
    value: stats.by_status[status] ?? 0,
    color: STATUS_CHART_COLORS[status].includes('.') ? STATUS_CHART_COLORS[status] : `${STATUS_CHART_COLORS[status]}.6`,
  })).filter((d) => d.value > 0);
  if (data.length === 0) {
    data.push({ name: 'No models', value: 1, color: 'gray.2' });
  }
  // The legend beside the donut lists each status with its count.
  return (
    <div aria-hidden>
    <DonutChart
      data={data}
      size={180}
      thickness={26}
      withLabelsLine={false}
      pieProps={{ rootTabIndex: -1 }}
      withTooltip
      tooltipDataSource="segment"
      chartLabel={`${stats.total} total`}
    />
    </div>
  );
}
