import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '../auth/roles';
import { json, renderPage, sampleDataset, type RouteTable } from '../test/helpers';
import DatasetDetailPage from './DatasetDetailPage';

const routes = (extra: RouteTable = {}): RouteTable => ({
  'GET /datasets/4': json(200, sampleDataset()),
  'GET /datasets/4/versions': json(200, { items: [], next_cursor: null }),
  'GET /datasets/4/impact': json(200, { dataset_id: 4, items: [], depth_limit: 5, truncated: false, items_read: 0 }),
  ...extra,
});

function open(role: Role, teams: string[], extra: RouteTable = {}) {
  return renderPage(<DatasetDetailPage />, { role, teams, path: '/datasets/4', pattern: '/datasets/:id', routes: routes(extra) });
}

describe('DatasetDetailPage', () => {
  it.each([
    ['admin', [], true],
    ['model_owner', ['payments-ml'], true],
    ['model_owner', ['hr-ml'], false],
    ['auditor', ['payments-ml'], false],
  ] as [Role, string[], boolean][])('offers %s in teams %j the datasheet editor: %s', async (role, teams, offered) => {
    open(role, teams);
    await screen.findByRole('heading', { level: 1, name: 'card-transactions-2025' });
    expect(screen.queryByRole('button', { name: 'Edit datasheet' }) !== null).toBe(offered);
    expect(screen.queryByRole('button', { name: 'Flag dataset' }) !== null).toBe(offered);
  });

  it('shows the saved datasheet once the editor saves', async () => {
    open('model_owner', ['payments-ml'], {
      'PATCH /datasets/4': json(200, sampleDataset({ revision: 3, known_limitations: 'Few transactions from Malta' })),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit datasheet' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit datasheet' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Known gaps and limitations' }), 'Few transactions from Malta');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save datasheet' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit datasheet' })).not.toBeInTheDocument());
    const sheet = screen.getByRole('region', { name: 'Datasheet' });
    expect(within(sheet).getByText('Few transactions from Malta')).toBeInTheDocument();
  });
});
