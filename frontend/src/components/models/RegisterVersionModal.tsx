import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { Model, Version, VersionCreate, VersionInputs } from '../../api/types';
import { compact, problemFromError } from '../../lib/formErrors';

const FIELDS = ['version_tag', 's3_path', 'sha256', 'description', 'training', 'validation', 'testing', 'base_model'] as const;
type Values = Record<(typeof FIELDS)[number], string>;
const ROLES = ['training', 'validation', 'testing'] as const;
const NAME_AT_TAG = /^(.+)@([^@]+)$/;
const nameAtTag = (v: string) => (v.trim() && !NAME_AT_TAG.test(v.trim()) ? 'Write NAME@TAG, e.g. card-transactions@2025.12' : null);

/** The declared inputs (datasets by role, base model) from the NAME@TAG fields; undefined when none is given. */
export function declaredInputs(values: Values): VersionInputs | undefined {
  const datasets = ROLES.filter((role) => values[role].trim()).map((role) => {
    const [, dataset, version_tag] = NAME_AT_TAG.exec(values[role].trim()) ?? [];
    return { role, dataset, version_tag };
  });
  const base = NAME_AT_TAG.exec(values.base_model.trim());
  if (!datasets.length && !base) return undefined;
  return { datasets, ...(base ? { base_model: { model: base[1], version_tag: base[2] } } : {}) };
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
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { version_tag: '', s3_path: '', sha256: '', description: '', training: '', validation: '', testing: '', base_model: '' },
    validate: {
      version_tag: (v) => (!v.trim() ? 'Version tag is required' : null),
      s3_path: (v) => (!v.trim() ? 'Artifact location is required' : null),
      sha256: (v) => (v.trim() && !/^[0-9a-fA-F]{64}$/.test(v.trim()) ? 'SHA-256 must be 64 hexadecimal characters' : null),
      training: nameAtTag,
      validation: nameAtTag,
      testing: nameAtTag,
      base_model: nameAtTag,
    },
  });

  function close() {
    form.reset();
    setGeneral(null);
    onClose();
  }

  async function submit(values: Values) {
    setBusy(true);
    setGeneral(null);
    try {
      const { training: _t, validation: _v, testing: _s, base_model: _b, ...artifact } = values;
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
        const problem = problemFromError(error, FIELDS);
        form.setErrors(problem.fields);
        setGeneral(problem.general);
      }
    } finally {
      setBusy(false);
    }
  }

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
            ff="monospace"
            {...form.getInputProps('sha256')}
          />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Text size="sm" fw={600} mt="xs">What it was built from (EU AI Act Art. 10)</Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Training dataset" placeholder="NAME@TAG" {...form.getInputProps('training')} />
            <TextInput label="Validation dataset" placeholder="NAME@TAG" {...form.getInputProps('validation')} />
            <TextInput label="Testing dataset" placeholder="NAME@TAG" {...form.getInputProps('testing')} />
            <TextInput label="Base model" placeholder="MODEL@TAG" description="A registered model version it was built on"
              {...form.getInputProps('base_model')} />
          </SimpleGrid>
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
