import type { AuditRecord, Model } from '../api/types';

/** The prefix the registry writes on a model whose approval a governed change invalidated. */
export const REOPENED_PREFIX = 'approval invalidated:';

export interface Waiting {
  model: Model;
  days: number;
  reopened: boolean;
  /** "1 of 2 sign-offs" when the policy wants several approvers and some have signed off. */
  signoffs: string | null;
}

const DAY_MS = 86_400_000;

/** Models under review, longest waiting first; a reopened approval is marked as such. */
export function waitingForReview(models: Model[], now: number = Date.now()): Waiting[] {
  return models
    .filter((m) => m.compliance_status === 'under_review')
    .map((model) => {
      const approval = model.approval;
      const required = approval?.required_signoffs ?? 1;
      const signed = approval?.signoffs.length ?? 0;
      return {
        model,
        days: Math.max(0, Math.floor((now - new Date(model.updated_at).getTime()) / DAY_MS)),
        reopened: Boolean(approval?.invalidated) || (model.last_change_reason ?? '').toLowerCase().startsWith(REOPENED_PREFIX),
        signoffs: required > 1 && signed > 0 ? `${signed} of ${required} sign-offs` : null,
      };
    })
    .sort((a, b) => b.days - a.days || a.model.name.localeCompare(b.model.name));
}

export interface Flagged {
  model: Model;
  rules: { rule_id: string; reason: string; article: string }[];
}

/** Approved models the policy monitor flagged, split into stale metrics and other violations. */
export function flaggedApprovals(models: Model[]): { stale: Flagged[]; violations: Flagged[] } {
  const stale: Flagged[] = [];
  const violations: Flagged[] = [];
  for (const model of models) {
    const found = model.policy_violations ?? [];
    const old = found.filter((v) => v.kind === 'metric_freshness');
    const other = found.filter((v) => v.kind !== 'metric_freshness');
    if (old.length) stale.push({ model, rules: old });
    if (other.length) violations.push({ model, rules: other });
  }
  return { stale, violations };
}

/** Monday 00:00 UTC of the week holding `time`, as YYYY-MM-DD. */
export function weekOf(time: string | number): string {
  const date = new Date(time);
  const day = (date.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}

/** Approvals per week over the last `weeks` weeks (oldest first, empty weeks included), from status-change records. */
export function approvalsPerWeek(records: AuditRecord[], weeks: number, now: number = Date.now()): { week: string; count: number }[] {
  const counts = new Map<string, number>();
  for (let i = weeks - 1; i >= 0; i -= 1) counts.set(weekOf(now - i * 7 * DAY_MS), 0);
  for (const record of records) {
    const after = record.changes?.compliance_status?.after;
    const week = weekOf(record.time);
    if (record.action === 'status_change' && after === 'approved' && counts.has(week)) counts.set(week, (counts.get(week) ?? 0) + 1);
  }
  return [...counts].map(([week, count]) => ({ week, count }));
}

export interface TeamRow {
  team: string;
  total: number;
  approved: number;
  underReview: number;
  draft: number;
  highRisk: number;
}

/** Models by owning team (the model's `team`, else its owner), largest first. */
export function byTeam(models: Model[]): TeamRow[] {
  const rows = new Map<string, TeamRow>();
  for (const model of models) {
    const team = model.team || model.owner;
    const row = rows.get(team) ?? { team, total: 0, approved: 0, underReview: 0, draft: 0, highRisk: 0 };
    row.total += 1;
    if (model.compliance_status === 'approved') row.approved += 1;
    if (model.compliance_status === 'under_review') row.underReview += 1;
    if (model.compliance_status === 'draft') row.draft += 1;
    if (model.risk_level === 'high' || model.risk_level === 'unacceptable') row.highRisk += 1;
    rows.set(team, row);
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || a.team.localeCompare(b.team));
}
