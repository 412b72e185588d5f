import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderPage, sampleDataset } from '../../test/helpers';
import { EditDatasetModal } from './EditDatasetModal';

async function openDialog() {
  return screen.findByRole('dialog', { name: 'Edit datasheet' });
}

async function replace(dialog: HTMLElement, label: string, text: string) {
  const field = within(dialog).getByRole('textbox', { name: label });
  await userEvent.clear(field);
  if (text) await userEvent.type(field, text);
}

describe('EditDatasetModal', () => {
  it('sends only what changed, an emptied field as null, with the reason and the revision it was editing', async () => {
    const onSaved = vi.fn();
    const { requests } = renderPage(
      <EditDatasetModal dataset={sampleDataset()} opened onClose={() => {}} onSaved={onSaved} onReload={vi.fn()} />,
      { role: 'model_owner', teams: ['payments-ml'], routes: { 'PATCH /datasets/4': json(200, sampleDataset({ revision: 3 })) } },
    );
    const dialog = await openDialog();
    await replace(dialog, 'Known gaps and limitations', 'Few transactions from Malta');
    await replace(dialog, 'Licence', '');
    await replace(dialog, 'Bias examination: outcome', 'Under 2 points after reweighting');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'Holds personal data' }));
    await replace(dialog, 'Reason for change', 'Second review of the data');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save datasheet' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      known_limitations: 'Few transactions from Malta',
      licence: null,
      bias_examination: { examined: 'Approval rates by age band', outcome: 'Under 2 points after reweighting' },
      personal_data: false,
      reason: 'Second review of the data',
      expected_revision: 2,
    });
  });

  it('says a stale write was someone else\'s change, and saves over the reloaded revision only after a reload', async () => {
    // Given someone else saved revision 3 while this user edited revision 2
    const latest = sampleDataset({ revision: 3, licence: 'CC-BY-4.0' });
    const onReload = vi.fn(async () => latest);
    const onSaved = vi.fn();
    const { requests } = renderPage(
      <EditDatasetModal dataset={sampleDataset()} opened onClose={() => {}} onSaved={onSaved} onReload={onReload} />,
      {
        role: 'admin',
        routes: {
          'PATCH /datasets/4': (req) =>
            (req.body as { expected_revision: number }).expected_revision === 2
              ? json(409, { error: { code: 'stale_revision', message: 'Dataset 4 has changed since you read it', details: { current_revision: 3 } } })
              : json(200, sampleDataset({ revision: 4 })),
        },
      },
    );
    const dialog = await openDialog();
    await replace(dialog, 'Collection period', '2025-01 to 2026-06');
    // When they save
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save datasheet' }));
    // Then they are told someone else changed it, and saving waits for a reload
    expect(await within(dialog).findByText('This dataset changed while you were editing')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save datasheet' })).toBeDisabled();
    expect(onSaved).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reload latest' }));
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'Licence' })).toHaveValue('CC-BY-4.0'));
    // And a save after the reload is made against the revision they now see
    await replace(dialog, 'Collection period', '2025-01 to 2026-06');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save datasheet' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const patches = requests.filter((r) => r.method === 'PATCH').map((r) => r.body);
    expect(patches).toEqual([
      { collection_period: '2025-01 to 2026-06', expected_revision: 2 },
      { collection_period: '2025-01 to 2026-06', expected_revision: 3 },
    ]);
  });

  it('puts the 422 problems of the API on their fields, and the rest above the form', async () => {
    renderPage(
      <EditDatasetModal dataset={sampleDataset()} opened onClose={() => {}} onSaved={vi.fn()} onReload={vi.fn()} />,
      {
        role: 'admin',
        routes: {
          'PATCH /datasets/4': json(422, {
            error: {
              code: 'validation_error',
              message: 'Invalid request',
              details: [
                { field: 'body.source', message: 'No control characters' },
                { field: 'body.bias_examination.outcome', message: 'Field required' },
                { field: 'body.team', message: 'Unknown team' },
              ],
            },
          }),
        },
      },
    );
    const dialog = await openDialog();
    await replace(dialog, 'Provenance (source)', 'Ledger export');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save datasheet' }));
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'Provenance (source)' })).toHaveAttribute('aria-invalid', 'true'));
    expect(within(dialog).getByText('No control characters')).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'Bias examination: outcome' })).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('team: Unknown team');
  });

  it('asks for both halves of a bias examination before sending, and says when nothing changed', async () => {
    const { requests } = renderPage(
      <EditDatasetModal dataset={sampleDataset({ bias_examination: null })} opened onClose={() => {}} onSaved={vi.fn()} onReload={vi.fn()} />,
      { role: 'admin' },
    );
    const dialog = await openDialog();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save datasheet' }));
    expect(await within(dialog).findByText('Nothing changed.')).toBeInTheDocument();
    await replace(dialog, 'Bias examination: outcome', 'No difference found');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save datasheet' }));
    expect(await within(dialog).findByText('Say what was examined, as well as the outcome')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });
});
