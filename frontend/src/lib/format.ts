import { ApiError } from '../api/client';
import type { ComplianceStatus, RiskLevel } from '../api/types';

export const RISK_LABELS: Record<RiskLevel, string> = {
  minimal: 'Minimal',
  limited: 'Limited',
  high: 'High',
  unacceptable: 'Unacceptable',
};

/** Colours climb with the EU AI Act risk tier. */
export const RISK_COLORS: Record<RiskLevel, string> = {
  minimal: 'teal',
  limited: 'yellow',
  high: 'orange',
  unacceptable: 'red',
};

export const STATUS_LABELS: Record<ComplianceStatus, string> = {
  draft: 'Draft',
  under_review: 'Under review',
  approved: 'Approved',
  retired: 'Retired',
};

export const STATUS_COLORS: Record<ComplianceStatus, string> = {
  draft: 'gray',
  under_review: 'blue',
  approved: 'green',
  retired: 'dark',
};

/** What the action of moving to a status is called in the status dialog. */
export const TRANSITION_LABELS: Record<ComplianceStatus, string> = {
  draft: 'Return to draft',
  under_review: 'Send to review',
  approved: 'Approve',
  retired: 'Retire',
};

export function riskLabel(value: string): string {
  return RISK_LABELS[value as RiskLevel] ?? value;
}

export function statusLabel(value: string): string {
  return STATUS_LABELS[value as ComplianceStatus] ?? value;
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTimeFormat.format(date);
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatRelative(value: string | null | undefined, now: number = Date.now()): string {
  if (!value) return '—';
  const time = new Date(value).getTime();
  if (Number.isNaN(time)) return value;
  const seconds = Math.round((time - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 30],
    ['month', 12],
  ];
  let amount = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(amount) < size) return relativeFormat.format(amount, unit);
    amount = Math.round(amount / size);
  }
  return relativeFormat.format(amount, 'year');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 4 : 2).replace(/\.?0+$/, '');
}

/** Human-readable text for anything a request can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

const ACTION_LABELS: Record<string, string> = {
  create: 'Created',
  update: 'Updated',
  status_change: 'Status changed',
  risk_change: 'Risk level changed',
  delete: 'Deleted',
  report_generated: 'Report generated',
};

/** "Status changed" for `status_change`; unknown codes are spelled out the same way. */
export function humanizeAction(action: string): string {
  if (ACTION_LABELS[action]) return ACTION_LABELS[action];
  const text = action.replace(/[._-]+/g, ' ').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : action;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** One audited field value as a short readable string. */
export function formatAuditValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'compliance_status' && typeof value === 'string') return statusLabel(value);
  if (field === 'risk_level' && typeof value === 'string') return riskLabel(value);
  if (typeof value === 'string' && ISO_INSTANT.test(value)) return formatDateTime(value);
  if (typeof value === 'string') return value.length > 80 ? `${value.slice(0, 77)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}
