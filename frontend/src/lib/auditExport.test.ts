import { describe, expect, it } from 'vitest';
import { auditCsv } from './auditExport';

describe('auditCsv', () => {
  it('writes one quoted row per record with the model name, changes as JSON and formulas defused', () => {
    const csv = auditCsv(
      [
        { model_id: 7, sequence: 2, time: '2026-12-01T10:00:00Z', actor: { username: 'demo-admin', role: 'admin' }, action: 'status_change',
          schema: 'govhub.audit/1', event_id: 'e5', entity: 'model', entity_id: 7, reason: '=HYPERLINK("x") "quoted"', changes: { compliance_status: { before: 'draft', after: 'under_review' } }, hash: 'h2', prev_hash: 'h1' },
      ],
      { 7: 'fraud-detector' },
    );
    const [header, row, end] = csv.split('\r\n');
    expect(header).toBe('time,model_id,model_name,sequence,action,entity,entity_id,actor,actor_role,reason,changes,hash,prev_hash');
    expect(row).toBe(
      '"2026-12-01T10:00:00Z","7","fraud-detector","2","status_change","model","7","demo-admin","admin","\'=HYPERLINK(""x"") ""quoted""",' +
        '"{""compliance_status"":{""before"":""draft"",""after"":""under_review""}}","h2","h1"',
    );
    expect(end).toBe('');
  });
});
