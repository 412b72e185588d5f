import { Alert, Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { Model, Version, VersionCreate } from '../../api/types';
import { compact, problemFromError } from '../../lib/formErrors';

const FIELDS = ['version_tag', 's3_path', 'sha256', 'description'] as const;
type Values = Record<(typeof FIELDS)[number], string>;

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
    initialValues: { version_tag: '', s3_path: '', sha256: '', description: '' },
    validate: {
      version_tag: (v) => (!v.trim() ? 'Version tag is required' : null),
      s3_path: (v) => (!v.trim() ? 'Artifact location is required' : null),
      sha256: (v) => (v.trim() && !/^[0-9a-fA-F]{64}$/.test(v.trim()) ? 'SHA-256 must be 64 hexadecimal characters' : null),
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
      const body = { ...compact(values), model_id: model.id } as VersionCreate;
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
