import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderPage, sampleModel } from '../../test/helpers';
import { declaredInputs, isWebUrl, RegisterVersionModal, type VersionFormValues } from './RegisterVersionModal';

const blank: VersionFormValues = {
  version_tag: 'v2', s3_path: 's3://models/x/v2', sha256: '', description: '', training: '', validation: '', testing: '',
  base_kind: 'none', base_model: '', provider: '', external_name: '', external_version: '', gpai: false, documentation_url: '',
};
const created = { id: 11, model_id: 7, version_tag: 'v2.0.0', s3_path: 's3://models/fraud/v2.0.0', sha256: null, description: null, revision: 1,
  created_at: '2026-12-01T10:00:00+00:00', created_by: 'demo-owner', inputs: null };

function open() {
  const onCreated = vi.fn();
  const harness = renderPage(<RegisterVersionModal model={sampleModel()} opened onClose={() => {}} onCreated={onCreated} />, {
    role: 'model_owner',
    routes: { 'POST /versions': json(201, created) },
  });
  return { ...harness, onCreated };
}

async function fillArtifact(dialog: HTMLElement) {
  await userEvent.type(within(dialog).getByRole('textbox', { name: /^Version tag/ }), 'v2.0.0');
  await userEvent.type(within(dialog).getByRole('textbox', { name: /^Artifact location/ }), 's3://models/fraud/v2.0.0');
}

describe('declaredInputs', () => {
  it('declares nothing when no dataset and no base model is given', () => {
    expect(declaredInputs(blank)).toBeUndefined();
    // fields of a base model kind the user switched away from are not sent
    expect(declaredInputs({ ...blank, base_model: 'base@v1', provider: 'Mistral AI', external_name: 'mistral-7b' })).toBeUndefined();
  });

  it('declares datasets by role and a registered base version by name and tag', () => {
    expect(declaredInputs({ ...blank, training: 'cards@2025.12', testing: 'cards-holdout@1', base_kind: 'registered', base_model: 'fraud-base@v3' })).toEqual({
      datasets: [
        { role: 'training', dataset: 'cards', version_tag: '2025.12' },
        { role: 'testing', dataset: 'cards-holdout', version_tag: '1' },
      ],
      base_model: { model: 'fraud-base', version_tag: 'v3' },
    });
  });

  it('declares an external base model with only the details given', () => {
    expect(declaredInputs({ ...blank, base_kind: 'external', provider: ' Mistral AI ', external_name: 'mistral-7b-instruct', gpai: true })).toEqual({
      datasets: [],
      base_model: { external: { provider: 'Mistral AI', name: 'mistral-7b-instruct', gpai: true } },
    });
  });
});

describe('isWebUrl', () => {
  it.each([
    ['https://docs.mistral.ai/models', true],
    ['http://intranet.example/model-card', true],
    ['ftp://docs.example/card', false],
    ['docs.mistral.ai', false],
    ['https://', false],
    ['https://docs example/card', false],
  ])('%s is a web address: %s', (text, expected) => {
    expect(isWebUrl(text)).toBe(expected);
  });
});

describe('RegisterVersionModal', () => {
  it('registers a version built on an external general-purpose model', async () => {
    const { requests, onCreated } = open();
    const dialog = await screen.findByRole('dialog', { name: 'Register version' });
    await fillArtifact(dialog);
    await userEvent.click(within(dialog).getByRole('radio', { name: 'An external model' }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Provider/ }), 'Mistral AI');
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Model name/ }), 'mistral-7b-instruct');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Model version' }), 'v0.3');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Documentation URL' }), 'https://docs.mistral.ai/models');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'General-purpose AI model (Art. 3(63))' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register version' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      model_id: 7,
      version_tag: 'v2.0.0',
      s3_path: 's3://models/fraud/v2.0.0',
      inputs: {
        datasets: [],
        base_model: {
          external: { provider: 'Mistral AI', name: 'mistral-7b-instruct', version: 'v0.3', gpai: true, documentation_url: 'https://docs.mistral.ai/models' },
        },
      },
    });
  });

  it('asks for the provider, the name and a web address before sending an external base model', async () => {
    const { requests } = open();
    const dialog = await screen.findByRole('dialog', { name: 'Register version' });
    await fillArtifact(dialog);
    await userEvent.click(within(dialog).getByRole('radio', { name: 'An external model' }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Documentation URL' }), 'docs.mistral.ai');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register version' }));
    expect(await within(dialog).findByText('Provider is required')).toBeInTheDocument();
    expect(within(dialog).getByText('Model name is required')).toBeInTheDocument();
    expect(within(dialog).getByText('Give an http:// or https:// address')).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'Documentation URL' })).toHaveAttribute('aria-invalid', 'true');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('asks for a registered base version as MODEL@TAG and shows the API\'s refusal of an unknown one on it', async () => {
    const onCreated = vi.fn();
    const { requests } = renderPage(<RegisterVersionModal model={sampleModel()} opened onClose={() => {}} onCreated={onCreated} />, {
      role: 'model_owner',
      routes: {
        'POST /versions': json(422, {
          error: { code: 'validation_error', message: "Model 'fraud-base' has no version tagged 'v9'.",
            details: [{ field: 'inputs.base_model', message: "model 'fraud-base' has no version tagged 'v9'" }] },
        }),
      },
    });
    const dialog = await screen.findByRole('dialog', { name: 'Register version' });
    await fillArtifact(dialog);
    await userEvent.click(within(dialog).getByRole('radio', { name: 'A registered model version' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register version' }));
    expect(await within(dialog).findByText('Name the registered version as MODEL@TAG')).toBeInTheDocument();
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Registered version/ }), 'fraud-base@v9');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register version' }));
    expect(await within(dialog).findByText("model 'fraud-base' has no version tagged 'v9'")).toBeInTheDocument();
    expect((requests.find((r) => r.method === 'POST')?.body as { inputs: unknown }).inputs).toEqual({
      datasets: [],
      base_model: { model: 'fraud-base', version_tag: 'v9' },
    });
    expect(onCreated).not.toHaveBeenCalled();
  });
});
