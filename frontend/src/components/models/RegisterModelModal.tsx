import { Alert, Button, Grid, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { usePolicyHints } from '../../hooks/usePolicyHints';
import { RISK_LEVELS, type Model, type ModelCreate, type RiskLevel, type Team } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { compact, problemFromError } from '../../lib/formErrors';
import { RISK_LABELS } from '../../lib/format';

const FIELDS = [
  'name',
  'owner',
  'team',
  'domain',
  'risk_level',
  'risk_justification',
  'description',
  'intended_purpose',
  'data_sources',
  'oversight_plan',
] as const;

type Values = Record<(typeof FIELDS)[number], string>;

export const RISK_OPTIONS = RISK_LEVELS.map((value) => ({ value, label: RISK_LABELS[value] }));

export function RegisterModelModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (model: Model) => void;
}) {
  const api = useApi();
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { session, role } = useAuth();
  const mine = session?.teams ?? [];
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => {
    if (!opened) return;
    const controller = new AbortController();
    api.listTeams(controller.signal).then((page) => setTeams(page.items)).catch(() => setTeams([]));
    return () => controller.abort();
  }, [opened, api]);
  // A model owner registers for one of their teams (their only one by default); an admin for any team, or none
  const teamOptions = teams
    .filter((t) => role === 'admin' || mine.includes(t.slug))
    .map((t) => ({ value: t.slug, label: `${t.display_name} (${t.slug})` }));
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      name: '',
      owner: '',
      team: mine.length === 1 ? mine[0] : '',
      domain: '',
      risk_level: 'minimal',
      risk_justification: '',
      description: '',
      intended_purpose: '',
      data_sources: '',
      oversight_plan: '',
    },
    validate: {
      name: (v) => (!v.trim() ? 'Name is required' : v.trim().length > 128 ? 'At most 128 characters' : null),
      owner: (v) => (!v.trim() ? 'Owner is required' : null),
    },
  });
  const hints = usePolicyHints((form.values.risk_level || 'minimal') as RiskLevel);

  function close() {
    form.reset();
    setGeneral(null);
    onClose();
  }

  async function submit(values: Values) {
    setBusy(true);
    setGeneral(null);
    try {
      const body = compact(values) as ModelCreate;
      body.risk_level = (values.risk_level || 'minimal') as RiskLevel;
      const model = await api.createModel(body);
      form.reset();
      onCreated(model);
    } catch (error) {
      const problem = problemFromError(error, FIELDS);
      form.setErrors(problem.fields);
      setGeneral(problem.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="Register model" size="lg">
      <form onSubmit={form.onSubmit(submit)} noValidate aria-label="Register model">
        <Stack gap="sm">
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Grid gutter="sm">
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Name" placeholder="fraud-detector-v2" withAsterisk data-autofocus {...form.getInputProps('name')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Owner" placeholder="ML Team" withAsterisk {...form.getInputProps('owner')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label="Team"
                description={role === 'admin' ? 'Leave empty for a model only admins may change' : 'The team that owns the model'}
                placeholder={role === 'admin' ? 'Unassigned' : 'Choose your team'}
                data={teamOptions}
                clearable={role === 'admin'}
                {...form.getInputProps('team')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Domain" placeholder="finance" {...form.getInputProps('domain')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <Select
                label="Risk level"
                data={RISK_OPTIONS}
                allowDeselect={false}
                {...form.getInputProps('risk_level')}
              />
            </Grid.Col>
          </Grid>
          <Textarea label="Risk justification" autosize minRows={2} {...form.getInputProps('risk_justification')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Textarea label="Intended purpose" description={hints.fields.intended_purpose} autosize minRows={2} {...form.getInputProps('intended_purpose')} />
          <Textarea label="Data sources" description={hints.fields.data_sources} autosize minRows={2} {...form.getInputProps('data_sources')} />
          <Textarea label="Human oversight plan" description={hints.fields.oversight_plan} autosize minRows={2} {...form.getInputProps('oversight_plan')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Register
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
