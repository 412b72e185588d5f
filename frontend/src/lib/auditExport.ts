import type { AuditRecord } from '../api/types';

const COLUMNS = ['time', 'model_id', 'model_name', 'sequence', 'action', 'entity', 'entity_id', 'actor', 'actor_role', 'reason', 'changes', 'hash', 'prev_hash'];

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote every field; a leading formula character is defused so a spreadsheet shows it as text (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The records as RFC 4180 CSV, one row each, with the model's name where known and the hashes for cross-checking. */
export function auditCsv(records: AuditRecord[], names: Record<number, string>): string {
  const rows = records.map((r) =>
    [r.time, r.model_id, names[r.model_id] ?? '', r.sequence, r.action, r.entity, r.entity_id, r.actor?.username, r.actor?.role, r.reason, r.changes ?? null, r.hash, r.prev_hash]
      .map(cell)
      .join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
