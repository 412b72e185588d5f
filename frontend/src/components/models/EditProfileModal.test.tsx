import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderPage, sampleModel } from '../../test/helpers';
import { EditProfileModal } from './EditProfileModal';

describe('EditProfileModal', () => {
  it('sends only the changed fields with the revision it was editing', async () => {
    const onSaved = vi.fn();
    const { requests } = renderPage(
      <EditProfileModal model={sampleModel()} opened onClose={() => {}} onSaved={onSaved} onReload={vi.fn()} />,
      { role: 'model_owner', routes: { 'PATCH /models/7': json(200, sampleModel({ revision: 4 })) } },
    );
    const dialog = await screen.findByRole('dialog', { name: 'Edit profile' });
    const domain = within(dialog).getByRole('textbox', { name: 'Domain' });
    await userEvent.clear(domain);
    await userEvent.type(domain, 'payments');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({ domain: 'payments', expected_revision: 3 });
  });

  it('explains a stale revision and reloads the latest values on request', async () => {
    // Given someone else saved revision 4 while this user edited revision 3
    const latest = sampleModel({ revision: 4, domain: 'cards' });
    const onReload = vi.fn(async () => latest);
    renderPage(<EditProfileModal model={sampleModel()} opened onClose={() => {}} onSaved={vi.fn()} onReload={onReload} />, {
      role: 'admin',
      routes: {
        'PATCH /models/7': json(409, {
          error: { code: 'stale_revision', message: 'stale', details: { current_revision: 4 } },
        }),
      },
    });
    const dialog = await screen.findByRole('dialog', { name: 'Edit profile' });
    const domain = within(dialog).getByRole('textbox', { name: 'Domain' });
    await userEvent.clear(domain);
    await userEvent.type(domain, 'payments');
    // When they save
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save profile' }));
    // Then they are told clearly, and saving is blocked until they reload
    expect(await within(dialog).findByText('This model changed while you were editing')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save profile' })).toBeDisabled();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reload latest' }));
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'Domain' })).toHaveValue('cards'));
    expect(onReload).toHaveBeenCalledTimes(1);
    expect(within(dialog).getByRole('button', { name: 'Save profile' })).toBeEnabled();
  });
});
