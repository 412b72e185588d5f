import { Alert, Button, Grid, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { usePolicyHints } from '../../hooks/usePolicyHints';
import type { Model } from '../../api/types';
import { isStale, problemFromError } from '../../lib/formErrors';
import { StaleNotice } from './StaleNotice';

const FIELDS = ['name', 'owner', 'domain', 'description', 'intended_purpose', 'data_sources', 'oversight_plan', 'reason'] as const;
type Values = Record<(typeof FIELDS)[number], string>;

function valuesOf(model: Model): Values {
  return {
    name: model.name,
    owner: model.owner,
    domain: model.domain ?? '',
    description: model.description ?? '',
    intended_purpose: model.intended_purpose ?? '',
    data_sources: model.data_sources ?? '',
    oversight_plan: model.oversight_plan ?? '',
    reason: '',
  };
}

export function EditProfileModal({
  model,
  opened,
  onClose,
  onSaved,
  onReload,
}: {
  model: Model;
  opened: boolean;
  onClose: () => void;
  onSaved: (model: Model) => void;
  onReload: () => Promise<Model | undefined>;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [general, setGeneral] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [reloading, setReloading] = useState(false);
  const hints = usePolicyHints(model.risk_level);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: valuesOf(model),
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : null),
      owner: (v) => (!v.trim() ? 'Owner is required' : null),
    },
  });

  useEffect(() => {
    if (opened) {
      form.setValues(valuesOf(model));
      form.resetDirty(valuesOf(model));
      form.clearErrors();
      setGeneral(null);
      setStale(false);
    }
    // Reset only when the dialog opens, not on every model refresh while it is open.
  }, [opened]);

  async function submit(values: Values) {
    const original = valuesOf(model);
    const changed = Object.fromEntries(
      (Object.keys(values) as (keyof Values)[])
        .filter((k) => k !== 'reason' && values[k].trim() !== original[k].trim())
        .map((k) => [k, values[k].trim()]),
    );
    if (Object.keys(changed).length === 0) {
      setGeneral('Nothing changed.');
      return;
    }
    setBusy(true);
    setGeneral(null);
    try {
      const saved = await api.updateModel(model.id, {
        ...changed,
        reason: values.reason.trim() || undefined,
        expected_revision: model.revision,
      });
      onSaved(saved);
    } catch (error) {
      if (isStale(error)) {
        setStale(true);
      } else {
        const problem = problemFromError(error, FIELDS);
        form.setErrors(problem.fields);
        setGeneral(problem.general);
      }
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    setReloading(true);
    const latest = await onReload();
    setReloading(false);
    if (latest) {
      form.setValues(valuesOf(latest));
      setStale(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Edit profile" size="lg">
      <form onSubmit={form.onSubmit(submit)} noValidate aria-label="Edit profile">
        <Stack gap="sm">
          {stale && <StaleNotice onReload={reload} reloading={reloading} />}
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Grid gutter="sm">
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Name" withAsterisk {...form.getInputProps('name')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Owner" withAsterisk {...form.getInputProps('owner')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Domain" {...form.getInputProps('domain')} />
            </Grid.Col>
          </Grid>
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Textarea label="Intended purpose" description={hints.fields.intended_purpose} autosize minRows={2} {...form.getInputProps('intended_purpose')} />
          <Textarea label="Data sources" description={hints.fields.data_sources} autosize minRows={2} {...form.getInputProps('data_sources')} />
          <Textarea label="Human oversight plan" description={hints.fields.oversight_plan} autosize minRows={2} {...form.getInputProps('oversight_plan')} />
          <TextInput
            label="Reason for change"
            description="Recorded in the audit trail"
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={stale}>
              Save profile
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
