import { ApiError } from '../api/client';
import type { FailedRule } from '../api/types';
import { errorMessage } from './format';

export interface SubmitProblem {
  /** Errors to show on named fields (from 422 `details` or a 409 about one field). */
  fields: Record<string, string>;
  /** A message for the form as a whole, when some of the problem has no field to sit on. */
  general: string | null;
}

/** Splits an API error into per-field messages for `fields` and one general message. */
export function problemFromError(error: unknown, fields: readonly string[], aliases: Record<string, string> = {}): SubmitProblem {
  if (!(error instanceof ApiError)) {
    return { fields: {}, general: errorMessage(error) };
  }
  if (error.code === 'duplicate_name' && fields.includes('name')) {
    return { fields: { name: 'A model with this name already exists.' }, general: null };
  }
  if (error.code === 'duplicate_version' && fields.includes('version_tag')) {
    return { fields: { version_tag: 'This model already has a version with this tag.' }, general: null };
  }
  if (error.status === 422) {
    const onFields: Record<string, string> = {};
    const leftover: string[] = [];
    for (const [field, message] of Object.entries(error.fieldErrors())) {
      const target = aliases[field] ?? field;
      if (fields.includes(target)) onFields[target] = message;
      else leftover.push(`${field}: ${message}`);
    }
    if (Object.keys(onFields).length > 0 || leftover.length > 0) {
      return { fields: onFields, general: leftover.length ? leftover.join('; ') : null };
    }
  }
  return { fields: {}, general: error.message };
}

/** `details.failed_rules` of a policy-engine refusal, when present. */
export function failedRules(error: unknown): FailedRule[] {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return [];
  const rules = (error.details as { failed_rules?: unknown }).failed_rules;
  if (!Array.isArray(rules)) return [];
  return rules
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => ({
      rule: String(r.rule ?? 'rule'),
      reason: String(r.reason ?? ''),
      article: r.article === undefined || r.article === null ? undefined : String(r.article),
    }));
}

/** `details.allowed` of a 409 transition_not_allowed. */
export function allowedFromError(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== 'transition_not_allowed') return null;
  const allowed = (error.details as { allowed?: unknown } | null | undefined)?.allowed;
  return Array.isArray(allowed) ? allowed.map(String) : [];
}

export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'stale_revision';
}

/** Drops empty strings so optional fields are omitted rather than sent blank. */
export function compact<T extends Record<string, unknown>>(values: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' ? value.trim() !== '' : value !== undefined && value !== null) {
      out[key as keyof T] = (typeof value === 'string' ? value.trim() : value) as T[keyof T];
    }
  }
  return out;
}
