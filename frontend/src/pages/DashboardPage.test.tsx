import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, renderPage, sampleModel } from '../test/helpers';
import DashboardPage from './DashboardPage';

const stats = {
  total: 5,
  by_risk_level: { minimal: 1, limited: 1, high: 2, unacceptable: 1 },
  by_status: { draft: 2, under_review: 1, approved: 1, retired: 1 },
  matrix: {
    minimal: { draft: 1, under_review: 0, approved: 0, retired: 0 },
    limited: { draft: 0, under_review: 0, approved: 1, retired: 0 },
    high: { draft: 1, under_review: 1, approved: 0, retired: 0 },
    unacceptable: { draft: 0, under_review: 0, approved: 0, retired: 1 },
  },
};

describe('DashboardPage', () => {
  it('shows totals, the risk × status matrix with links, and the review queue', async () => {
    const { requests } = renderPage(<DashboardPage />, {
      role: 'auditor',
      routes: {
        'GET /dashboard/stats': json(200, stats),
        'GET /models': json(200, { items: [sampleModel({ compliance_status: 'under_review' })], next_cursor: null }),
        'GET /audit-logs': json(200, {
          items: [
            {
              model_id: 7,
              sequence: 4,
              time: new Date().toISOString(),
              actor: { username: 'demo-admin', role: 'admin' },
              action: 'status_changed',
              entity: 'model',
              reason: 'Reviewed',
            },
          ],
          next_cursor: null,
        }),
      },
    });
    expect(await screen.findByRole('region', { name: 'Total models' })).toHaveTextContent('5');
    expect(screen.getByRole('region', { name: 'High risk or above' })).toHaveTextContent('3');
    const matrix = screen.getByRole('table', { name: 'Risk level by status' });
    expect(within(matrix).getByRole('link', { name: '1 high risk under review models' })).toHaveAttribute(
      'href',
      '/models?risk_level=high&compliance_status=under_review',
    );
    const queue = await screen.findByRole('list', { name: 'Models awaiting review' });
    expect(within(queue).getByRole('link', { name: 'fraud-detector-v2' })).toHaveAttribute('href', '/models/7');
    expect(requests.find((r) => r.path === '/models')?.query.get('compliance_status')).toBe('under_review');
    const recent = await screen.findByRole('list', { name: 'Recent changes' });
    expect(recent).toHaveTextContent('Status changed');
    expect(recent).toHaveTextContent('demo-admin — “Reviewed”');
  });

  it('stays quiet when the change feed is not deployed yet', async () => {
    renderPage(<DashboardPage />, {
      routes: {
        'GET /dashboard/stats': json(200, stats),
        'GET /models': json(200, { items: [], next_cursor: null }),
      },
    });
    expect(await screen.findByText('The change feed is not available on this deployment yet.')).toBeInTheDocument();
    expect(screen.getByText('Nothing to review')).toBeInTheDocument();
  });
});
