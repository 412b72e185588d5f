import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderPage } from '../test/helpers';
import TeamsPage from './TeamsPage';

const teams = { items: [{ slug: 'payments-ml', display_name: 'Payments ML', revision: 1 }], next_cursor: null };

describe('TeamsPage', () => {
  it('lists the teams with a link to their models, and admins create one', async () => {
    const { requests } = renderPage(<TeamsPage />, {
      role: 'admin',
      routes: {
        'GET /teams': json(200, teams),
        'POST /teams': json(201, { slug: 'hr-ml', display_name: 'HR ML', revision: 1 }),
      },
    });
    const table = await screen.findByRole('table', { name: 'Teams' });
    expect(within(table).getByRole('link', { name: 'Its models' })).toHaveAttribute('href', '/models?team=payments-ml');
    await userEvent.type(screen.getByLabelText(/Slug/), 'hr-ml');
    await userEvent.type(screen.getByLabelText(/Display name/), 'HR ML');
    await userEvent.click(screen.getByRole('button', { name: 'Create team' }));
    await waitFor(() => expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ slug: 'hr-ml', display_name: 'HR ML' }));
  });

  it('shows an auditor the list without the form', async () => {
    renderPage(<TeamsPage />, { role: 'auditor', routes: { 'GET /teams': json(200, teams) } });
    await screen.findByRole('table', { name: 'Teams' });
    expect(screen.queryByRole('form', { name: 'Create team' })).not.toBeInTheDocument();
  });
});
