import { Alert, Button, Checkbox, Group, Modal, Radio, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { ExternalModelInput, Model, Version, VersionCreate, VersionInputs } from '../../api/types';
import { compact, problemFromError } from '../../lib/formErrors';

const ROLES = ['training', 'validation', 'testing'] as const;
export type BaseModelKind = 'none' | 'registered' | 'external';
export interface VersionFormValues {
  version_tag: string;
  s3_path: string;
  sha256: string;
  description: string;
  training: string;
  validation: string;
  testing: string;
  base_kind: BaseModelKind;
  /** A registered model version, as MODEL@TAG. */
  base_model: string;
  provider: string;
  external_name: string;
  external_version: string;
  gpai: boolean;
  documentation_url: string;
}
const FIELDS = [
  'version_tag', 's3_path', 'sha256', 'description', 'training', 'validation', 'testing', 'base_model',
  'provider', 'external_name', 'external_version', 'gpai', 'documentation_url',
];
// 422 details name `inputs.base_model.external.<field>`; the client keeps the last segment of a path
const ALIASES = { name: 'external_name', version: 'external_version' };
const INITIAL: VersionFormValues = {
  version_tag: '', s3_path: '', sha256: '', description: '', training: '', validation: '', testing: '',
  base_kind: 'none', base_model: '', provider: '', external_name: '', external_version: '', gpai: false, documentation_url: '',
};
const NAME_AT_TAG = /^(.+)@([^@]+)$/;
const nameAtTag = (v: string) => (v.trim() && !NAME_AT_TAG.test(v.trim()) ? 'Write NAME@TAG, e.g. card-transactions@2025.12' : null);

/** An http(s) address a browser can open: what the API accepts as a provider's documentation. */
export function isWebUrl(text: string): boolean {
  if (!/^https?:\/\/\S+$/i.test(text)) return false;
  try {
    return Boolean(new URL(text).host);
  } catch {
    return false;
  }
}

/** The declared inputs (datasets by role, base model) of the form; undefined when none is given. */
export function declaredInputs(values: VersionFormValues): VersionInputs | undefined {
  const datasets = ROLES.filter((role) => values[role].trim()).map((role) => {
    const [, dataset, version_tag] = NAME_AT_TAG.exec(values[role].trim()) ?? [];
    return { role, dataset, version_tag };
  });
  let base_model: VersionInputs['base_model'];
  if (values.base_kind === 'registered') {
    const base = NAME_AT_TAG.exec(values.base_model.trim());
    if (base) base_model = { model: base[1], version_tag: base[2] };
  } else if (values.base_kind === 'external') {
    const external: ExternalModelInput = { provider: values.provider.trim(), name: values.external_name.trim(), gpai: values.gpai };
    if (values.external_version.trim()) external.version = values.external_version.trim();
    if (values.documentation_url.trim()) external.documentation_url = values.documentation_url.trim();
    base_model = { external };
  }
  if (!datasets.length && !base_model) return undefined;
  return { datasets, ...(base_model ? { base_model } : {}) };
}

export function RegisterVersionModal({
  model,
  opened,
  onClose,
  onCreated,
}: {
  model: Model;
  opened: boolean;
  onClose: () => void;
  onCreated: (version: Version) => void;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [general, setGeneral] = useState<string | null>(null);
  const external = (check: (v: string) => string | null) => (v: string, values: VersionFormValues) =>
    values.base_kind === 'external' ? check(v.trim()) : null;
  const form = useForm<VersionFormValues>({
    mode: 'controlled',
    initialValues: INITIAL,
    validate: {
      version_tag: (v) => (!v.trim() ? 'Version tag is required' : null),
      s3_path: (v) => (!v.trim() ? 'Artifact location is required' : null),
      sha256: (v) => (v.trim() && !/^[0-9a-fA-F]{64}$/.test(v.trim()) ? 'SHA-256 must be 64 hexadecimal characters' : null),
      training: nameAtTag,
      validation: nameAtTag,
      testing: nameAtTag,
      base_model: (v, values) =>
        values.base_kind !== 'registered' ? null : !v.trim() ? 'Name the registered version as MODEL@TAG' : nameAtTag(v),
      provider: external((v) => (!v ? 'Provider is required' : null)),
      external_name: external((v) => (!v ? 'Model name is required' : null)),
      documentation_url: external((v) => (v && !isWebUrl(v) ? 'Give an http:// or https:// address' : null)),
    },
  });

  function close() {
    form.reset();
    setGeneral(null);
    onClose();
  }

  async function submit(values: VersionFormValues) {
    setBusy(true);
    setGeneral(null);
    try {
      const artifact = { version_tag: values.version_tag, s3_path: values.s3_path, sha256: values.sha256, description: values.description };
      const body = { ...compact(artifact), model_id: model.id } as VersionCreate;
      const inputs = declaredInputs(values);
      if (inputs) body.inputs = inputs;
      if (body.sha256) body.sha256 = body.sha256.toLowerCase();
      const version = await api.createVersion(body);
      form.reset();
      onCreated(version);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'model_retired') {
        setGeneral('This model is retired and accepts no new versions.');
      } else {
        const problem = problemFromError(error, FIELDS, ALIASES);
        form.setErrors(problem.fields);
        setGeneral(problem.general);
      }
    } finally {
      setBusy(false);
    }
  }

  const kind = form.values.base_kind;
  return (
    <Modal opened={opened} onClose={close} title="Register version" size="lg">
      <form onSubmit={form.onSubmit(submit)} noValidate aria-label="Register version">
        <Stack gap="sm">
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <TextInput label="Version tag" placeholder="v1.0.0" withAsterisk data-autofocus {...form.getInputProps('version_tag')} />
          <TextInput
            label="Artifact location"
            placeholder={`s3://models/${model.name}/v1.0.0`}
            description="URI of the trained artifact (S3 or other store)"
            withAsterisk
            {...form.getInputProps('s3_path')}
          />
          <TextInput
            label="SHA-256"
            placeholder="64 hexadecimal characters"
            description="Digest of the artifact, so a deployment can prove it runs what was approved"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            {...form.getInputProps('sha256')}
          />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Text size="sm" fw={600} mt="xs">What it was built from (EU AI Act Art. 10)</Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Training dataset" placeholder="NAME@TAG" {...form.getInputProps('training')} />
            <TextInput label="Validation dataset" placeholder="NAME@TAG" {...form.getInputProps('validation')} />
            <TextInput label="Testing dataset" placeholder="NAME@TAG" {...form.getInputProps('testing')} />
          </SimpleGrid>
          <Radio.Group
            label="Base model"
            description="The model this version was fine-tuned or otherwise built from (Art. 25, Annex XII)"
            {...form.getInputProps('base_kind')}
          >
            <Group gap="lg" mt={6}>
              <Radio value="none" label="None" />
              <Radio value="registered" label="A registered model version" />
              <Radio value="external" label="An external model" />
            </Group>
          </Radio.Group>
          {kind === 'registered' && (
            <TextInput label="Registered version" placeholder="MODEL@TAG" description="A model version in this registry, e.g. base-llm@v2"
              withAsterisk {...form.getInputProps('base_model')} />
          )}
          {kind === 'external' && (
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <TextInput label="Provider" withAsterisk {...form.getInputProps('provider')} />
                <TextInput label="Model name" withAsterisk {...form.getInputProps('external_name')} />
                <TextInput label="Model version" {...form.getInputProps('external_version')} />
              </SimpleGrid>
              <TextInput
                label="Documentation URL"
                placeholder="https://"
                description="The provider's technical documentation (Annex XII for a general-purpose model)"
                inputMode="url"
                {...form.getInputProps('documentation_url')}
              />
              <Checkbox label="General-purpose AI model (Art. 3(63))" {...form.getInputProps('gpai', { type: 'checkbox' })} />
            </Stack>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Register version
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
