import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderPage, sampleModel } from '../test/helpers';
import ModelsPage from './ModelsPage';

const listing = {
  items: [
    sampleModel(),
    sampleModel({ id: 8, name: 'chat-assistant', risk_level: 'limited', compliance_status: 'approved', latest_version: null }),
  ],
  next_cursor: 'page-2',
};

describe('ModelsPage', () => {
  it('lists models with risk and status badges and loads the next page on request', async () => {
    const { requests } = renderPage(<ModelsPage />, {
      role: 'auditor',
      routes: {
        'GET /models': (req) =>
          req.query.get('cursor') === 'page-2'
            ? json(200, { items: [sampleModel({ id: 9, name: 'resume-screener' })], next_cursor: null })
            : json(200, listing),
      },
    });
    const table = await screen.findByRole('table', { name: 'Models' });
    const row = within(table).getByRole('row', { name: /fraud-detector-v2/ });
    expect(within(row).getByLabelText('Risk level: High')).toBeInTheDocument();
    expect(within(row).getByLabelText('Status: Draft')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: 'resume-screener' })).toBeInTheDocument();
    expect(screen.getByText('Showing all 3 models')).toBeInTheDocument();
    expect(requests.filter((r) => r.path === '/models').map((r) => r.query.get('cursor'))).toEqual([null, 'page-2']);
  });

  it('shows the total from the counters and sorts by name on request', async () => {
    const { requests } = renderPage(<ModelsPage />, {
      role: 'auditor',
      path: '/models?risk_level=high',
      routes: {
        'GET /models': json(200, listing),
        'GET /dashboard/stats': json(200, { total: 9, by_risk_level: { high: 5 }, by_status: {}, matrix: {} }),
      },
    });
    expect(await screen.findByText('Showing 2 of 5 models')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Load more (3 left)' })).toBeInTheDocument();
    const header = screen.getByRole('columnheader', { name: /Name/ });
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    await userEvent.click(within(header).getByRole('button'));
    await waitFor(() => expect(requests.filter((r) => r.path === '/models').at(-1)?.query.get('order')).toBe('desc'));
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('passes the URL filters to the API', async () => {
    const { requests } = renderPage(<ModelsPage />, {
      path: '/models?risk_level=high&compliance_status=draft',
      routes: { 'GET /models': json(200, { items: [], next_cursor: null }) },
    });
    expect(await screen.findByText('No models match these filters')).toBeInTheDocument();
    const [list] = requests.filter((r) => r.path === '/models');
    expect(list.query.get('risk_level')).toBe('high');
    expect(list.query.get('compliance_status')).toBe('draft');
  });

  it('filters by team, the user\'s own teams listed first', async () => {
    const { requests } = renderPage(<ModelsPage />, {
      path: '/models?team=payments-ml',
      routes: {
        'GET /models': json(200, { items: [sampleModel({ team: 'payments-ml' })], next_cursor: null }),
        'GET /teams': json(200, { items: [{ slug: 'payments-ml', display_name: 'Payments ML', revision: 1 }], next_cursor: null }),
      },
    });
    const table = await screen.findByRole('table', { name: 'Models' });
    expect(within(table).getByText('team payments-ml')).toBeInTheDocument();
    const [list] = requests.filter((r) => r.path === '/models');
    expect(list.query.get('team')).toBe('payments-ml');
  });

  it('shows an auditor no way to register a model', async () => {
    renderPage(<ModelsPage />, { role: 'auditor', routes: { 'GET /models': json(200, listing) } });
    await screen.findByRole('table', { name: 'Models' });
    expect(screen.queryByRole('button', { name: 'Register model' })).not.toBeInTheDocument();
  });

  it('puts 422 field errors from the API on the register form fields', async () => {
    renderPage(<ModelsPage />, {
      role: 'model_owner',
      routes: {
        'GET /models': json(200, listing),
        'POST /models': json(422, {
          error: {
            code: 'validation_error',
            message: 'Invalid request',
            details: [{ field: 'owner', message: 'Owner must not be blank' }],
          },
        }),
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Register model' }));
    const dialog = await screen.findByRole('dialog', { name: 'Register model' });
    await userEvent.type(within(dialog).getByLabelText(/Name/), 'credit-scorer');
    await userEvent.type(within(dialog).getByLabelText(/Owner/), 'Risk Team');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register' }));
    await waitFor(() => expect(within(dialog).getByLabelText(/Owner/)).toHaveAttribute('aria-invalid', 'true'));
    expect(within(dialog).getByText('Owner must not be blank')).toBeInTheDocument();
  });

  it('shows a duplicate name on the name field', async () => {
    renderPage(<ModelsPage />, {
      role: 'admin',
      routes: {
        'GET /models': json(200, listing),
        'POST /models': json(409, { error: { code: 'duplicate_name', message: 'exists', details: { model_id: 7 } } }),
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Register model' }));
    const dialog = await screen.findByRole('dialog', { name: 'Register model' });
    await userEvent.type(within(dialog).getByLabelText(/Name/), 'fraud-detector-v2');
    await userEvent.type(within(dialog).getByLabelText(/Owner/), 'ML Team');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register' }));
    expect(await within(dialog).findByText('A model with this name already exists.')).toBeInTheDocument();
  });
});
