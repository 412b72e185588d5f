import { describe, expect, it } from 'vitest';
import type { DashboardStats } from '../api/types';
import { totalFromCounters } from './totals';

const stats: DashboardStats = {
  total: 12,
  by_risk_level: { high: 5, minimal: 7 },
  by_status: { draft: 9, approved: 3 },
  matrix: { high: { draft: 4, approved: 1 }, minimal: { draft: 5, approved: 2 } },
};

describe('totalFromCounters', () => {
  it('answers from the counters for no filter, risk, status and both', () => {
    expect(totalFromCounters(stats, {})).toBe(12);
    expect(totalFromCounters(stats, { risk_level: 'high' })).toBe(5);
    expect(totalFromCounters(stats, { compliance_status: 'approved' })).toBe(3);
    expect(totalFromCounters(stats, { risk_level: 'high', compliance_status: 'draft' })).toBe(4);
    expect(totalFromCounters(stats, { risk_level: 'limited' })).toBe(0);
    expect(totalFromCounters(stats, { order: 'desc' })).toBe(12);
  });

  it('does not guess a total the counters do not hold', () => {
    expect(totalFromCounters(stats, { q: 'fraud' })).toBeNull();
    expect(totalFromCounters(stats, { owner: 'ML Team', risk_level: 'high' })).toBeNull();
    expect(totalFromCounters(undefined, {})).toBeNull();
  });
});
