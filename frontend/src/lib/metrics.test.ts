import { describe, expect, it } from 'vitest';
import type { Metric, Version } from '../api/types';
import { buildMetricSeries } from './metrics';

const version = (id: number, tag: string): Version => ({
  id,
  model_id: 1,
  version_tag: tag,
  s3_path: `s3://m/${tag}`,
  sha256: null,
  description: null,
  revision: 1,
  created_at: '2026-01-01T00:00:00Z',
  created_by: 'demo-owner',
});
const metric = (versionId: number, name: string, value: number, at = '2026-01-01T00:00:00Z'): Metric => ({
  id: Math.random(),
  version_id: versionId,
  model_id: 1,
  metric_name: name,
  value,
  recorded_at: at,
  created_by: 'demo-owner',
});

describe('buildMetricSeries', () => {
  it('orders points oldest version first, keeps gaps, and uses the newest value per version', () => {
    const versions = [version(3, 'v3'), version(2, 'v2'), version(1, 'v1')];
    const series = buildMetricSeries(versions, [
      metric(1, 'accuracy', 0.9),
      metric(3, 'accuracy', 0.93, '2026-01-02T00:00:00Z'),
      metric(3, 'accuracy', 0.95, '2026-01-03T00:00:00Z'),
      metric(2, 'f1', 0.8),
    ]);
    expect(series.map((s) => s.name)).toEqual(['accuracy', 'f1']);
    expect(series[0].points).toEqual([
      { version: 'v1', versionId: 1, value: 0.9 },
      { version: 'v2', versionId: 2, value: null },
      { version: 'v3', versionId: 3, value: 0.95 },
    ]);
    expect(series[0].latest).toBe(0.95);
    expect(series[0].previous).toBe(0.9);
    expect(series[1].previous).toBeNull();
  });
});
