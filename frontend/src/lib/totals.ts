import type { DashboardStats, ModelQuery, RiskLevel, ComplianceStatus } from '../api/types';

/**
 * How many models a list query matches, from the dashboard's counters (kept in the same transaction as
 * every change): known without a filter, by risk level, by status or both; null for any other filter.
 */
export function totalFromCounters(stats: DashboardStats | undefined, query: ModelQuery): number | null {
  if (!stats) return null;
  if (query.q || query.owner || query.domain) return null;
  const risk = query.risk_level as RiskLevel | undefined;
  const status = query.compliance_status as ComplianceStatus | undefined;
  if (risk && status) return stats.matrix[risk]?.[status] ?? 0;
  if (risk) return stats.by_risk_level[risk] ?? 0;
  if (status) return stats.by_status[status] ?? 0;
  return stats.total;
}
