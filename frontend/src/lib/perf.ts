/** User-timing marks that `tests/bench/bench_frontend.py` reads through the Performance API. */
export const DASHBOARD_MARKS = {
  data: 'govhub:dashboard:data',
  riskChart: 'govhub:dashboard:risk-chart',
  statusChart: 'govhub:dashboard:status-chart',
} as const;

/** Marks `name` once per page load: the first full render is what the benchmark times. */
export function markOnce(name: string): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  if (performance.getEntriesByName(name, 'mark').length === 0) {
    performance.mark(name);
  }
}
