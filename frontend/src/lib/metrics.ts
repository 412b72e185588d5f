import type { Metric, Version } from '../api/types';

export interface MetricPoint {
  version: string;
  versionId: number;
  value: number | null;
}

export interface MetricSeries {
  name: string;
  /** One point per version, oldest first; null where that version has no value for the metric. */
  points: MetricPoint[];
  latest: number | null;
  previous: number | null;
}

/** Groups metrics by name across versions; a version with several values keeps its newest one. */
export function buildMetricSeries(versionsNewestFirst: Version[], metrics: Metric[]): MetricSeries[] {
  const versions = [...versionsNewestFirst].reverse();
  const newest = new Map<string, Metric>();
  for (const metric of metrics) {
    const key = `${metric.metric_name}\u0000${metric.version_id}`;
    const seen = newest.get(key);
    if (!seen || seen.recorded_at < metric.recorded_at) newest.set(key, metric);
  }
  const names = [...new Set(metrics.map((m) => m.metric_name))].sort((a, b) => a.localeCompare(b));
  return names.map((name) => {
    const points = versions.map((version) => ({
      version: version.version_tag,
      versionId: version.id,
      value: newest.get(`${name}\u0000${version.id}`)?.value ?? null,
    }));
    const present = points.filter((p) => p.value !== null);
    return {
      name,
      points,
      latest: present.length ? present[present.length - 1].value : null,
      previous: present.length > 1 ? present[present.length - 2].value : null,
    };
  });
}
