import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import type { MetricPoint } from '../lib/metrics';
import { formatMetric } from '../lib/format';

export default function MetricTrendChart({ name, points }: { name: string; points: MetricPoint[] }) {
  // The values are listed in the table beside the chart; the drawing itself is decoration for screen readers.
  return (
    <div aria-hidden>
    <LineChart
      h={120}
      data={points}
      dataKey="version"
      series={[{ name: 'value', label: name, color: 'indigo.6' }]}
      curveType="linear"
      connectNulls
      withDots
      gridAxis="y"
      tickLine="none"
      yAxisProps={{ width: 44, domain: ['auto', 'auto'] }}
      valueFormatter={(v) => formatMetric(v)}
    />
    </div>
  );
}
