import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderPage, sampleDataset, type RecordedRequest } from '../test/helpers';
import DatasetsPage from './DatasetsPage';

const teams = json(200, {
  items: [
    { slug: 'payments-ml', display_name: 'Payments ML', revision: 1 },
    { slug: 'hr-ml', display_name: 'HR ML', revision: 1 },
  ],
  next_cursor: null,
});
const lists = (requests: RecordedRequest[]) => requests.filter((r) => r.method === 'GET' && r.path === '/datasets');

describe('DatasetsPage', () => {
  it('shows the first page and appends the next one on "Load more"', async () => {
    // Given more datasets than one page holds
    const { requests } = renderPage(<DatasetsPage />, {
      role: 'auditor',
      routes: {
        'GET /teams': teams,
        'GET /datasets': (req) =>
          req.query.get('cursor') === 'page-2'
            ? json(200, { items: [sampleDataset({ id: 9, name: 'resumes-2024', team: 'hr-ml' })], next_cursor: null })
            : json(200, { items: [sampleDataset(), sampleDataset({ id: 5, name: 'chargebacks', flagged: true })], next_cursor: 'page-2' }),
      },
    });
    const table = await screen.findByRole('table', { name: 'Datasets' });
    expect(within(table).getByRole('row', { name: /chargebacks/ })).toHaveTextContent('flagged');
    expect(screen.queryByRole('link', { name: 'resumes-2024' })).not.toBeInTheDocument();
    // When the user asks for more
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    // Then the next page is appended below the first, and the end of the list is said
    expect(await screen.findByRole('link', { name: 'resumes-2024' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'card-transactions-2025' })).toBeInTheDocument();
    expect(screen.getByText('Showing all 3 datasets')).toBeInTheDocument();
    expect(lists(requests).map((r) => r.query.get('cursor'))).toEqual([null, 'page-2']);
  });

  it('passes the filters of the URL to the API and says when nothing matches', async () => {
    const { requests } = renderPage(<DatasetsPage />, {
      role: 'auditor',
      path: '/datasets?flagged=true&name=Chargebacks',
      routes: { 'GET /teams': teams, 'GET /datasets': json(200, { items: [], next_cursor: null }) },
    });
    expect(await screen.findByText('No datasets match these filters')).toBeInTheDocument();
    const [list] = lists(requests);
    expect(list.query.get('flagged')).toBe('true');
    expect(list.query.get('name')).toBe('Chargebacks');
    expect(list.query.get('team')).toBeNull();
    expect(within(screen.getByRole('region', { name: 'Filters' })).getByRole('textbox', { name: 'Name' })).toHaveValue('Chargebacks');
    expect(screen.getByRole('checkbox', { name: 'Flagged only' })).toBeChecked();
  });

  it('filters by team and by exact name, and never asks for a team and the flag together', async () => {
    const { requests } = renderPage(<DatasetsPage />, {
      role: 'model_owner',
      teams: ['payments-ml'],
      path: '/datasets',
      routes: {
        'GET /teams': teams,
        'GET /datasets': (req) =>
          json(200, { items: [sampleDataset({ team: req.query.get('team') ?? 'payments-ml' })], next_cursor: null }),
      },
    });
    await screen.findByRole('table', { name: 'Datasets' });
    // When the user picks a team (their own listed first)
    await userEvent.click(screen.getByRole('textbox', { name: 'Team' }));
    // (the dropdown is still in its opening transition, which jsdom never ends)
    const own = await screen.findByRole('option', { name: 'Payments ML', hidden: true });
    expect(screen.getAllByRole('option', { hidden: true }).map((o) => o.textContent)).toEqual(['Payments ML', 'HR ML']);
    await userEvent.click(own);
    // Then the list is asked for that team, and the flag filter (another index) cannot be added to it
    await waitFor(() => expect(lists(requests).at(-1)?.query.get('team')).toBe('payments-ml'));
    expect(screen.getByRole('checkbox', { name: 'Flagged only' })).toBeDisabled();
    // When they type a name, the settled text is sent once
    const filters = screen.getByRole('region', { name: 'Filters' });
    await userEvent.type(within(filters).getByRole('textbox', { name: 'Name' }), 'card-transactions-2025');
    await waitFor(() => expect(lists(requests).at(-1)?.query.get('name')).toBe('card-transactions-2025'));
    expect(lists(requests).filter((r) => r.query.get('name')).map((r) => r.query.get('name'))).toEqual(['card-transactions-2025']);
    expect(lists(requests).every((r) => !(r.query.get('team') && r.query.get('flagged')))).toBe(true);
    // And clearing the filters lists everything again
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect([...lists(requests).at(-1)!.query.keys()].sort()).toEqual(['limit']));
  });

  it('shows an auditor the list without a way to register a dataset', async () => {
    renderPage(<DatasetsPage />, {
      role: 'auditor',
      routes: { 'GET /teams': teams, 'GET /datasets': json(200, { items: [sampleDataset()], next_cursor: null }) },
    });
    await screen.findByRole('table', { name: 'Datasets' });
    expect(screen.queryByRole('button', { name: 'Register dataset' })).not.toBeInTheDocument();
  });

  it('registers a dataset from the dialog and opens its page', async () => {
    const { requests } = renderPage(<DatasetsPage />, {
      role: 'model_owner',
      teams: ['payments-ml'],
      path: '/datasets',
      pattern: '/datasets',
      routes: {
        'GET /teams': teams,
        'GET /datasets': json(200, { items: [], next_cursor: null }),
        'POST /datasets': (req) =>
          (req.body as { name: string }).name === 'card-transactions-2025'
            ? json(409, { error: { code: 'duplicate_name', message: 'exists', details: { dataset_id: 4 } } })
            : json(201, sampleDataset({ id: 12, name: 'chargebacks-2026' })),
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Register dataset' }));
    const dialog = await screen.findByRole('dialog', { name: 'Register dataset' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'card-transactions-2025');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register' }));
    expect(await within(dialog).findByText('A dataset with this name already exists.')).toBeInTheDocument();
    await userEvent.clear(within(dialog).getByRole('textbox', { name: /^Name/ }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'chargebacks-2026');
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Provenance/ }), 'Disputes export');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register' }));
    expect(await screen.findByText('elsewhere')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'POST').at(-1)?.body).toEqual({
      name: 'chargebacks-2026', source: 'Disputes export', personal_data: false, special_categories: false,
    });
  });
});
