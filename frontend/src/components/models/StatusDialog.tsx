import { Alert, Button, Group, List, Loader, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import type { ComplianceCheck, ComplianceStatus, FailedRule, Model, Obligations } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { humanReason } from '../../lib/readiness';
import { allowedFromError, failedRules, isStale, problemFromError } from '../../lib/formErrors';
import { TRANSITION_LABELS, statusLabel } from '../../lib/format';
import { StatusBadge } from '../Badges';
import { PolicyFailures } from './PolicyFailures';
import { StaleNotice } from './StaleNotice';

const DESCRIPTIONS: Record<ComplianceStatus, string> = {
  draft: 'Back to the owners for changes.',
  under_review: 'Ask the compliance team to review this model.',
  approved: 'Cleared for deployment; records the latest version as the approved one.',
  retired: 'Final: the model stays in the registry for the record but takes no new versions.',
};

export function StatusDialog({
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
  const [target, setTarget] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [notAllowed, setNotAllowed] = useState<string[] | null>(null);
  const [rules, setRules] = useState<FailedRule[]>([]);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reloading, setReloading] = useState(false);
  const [requiredSignoffs, setRequiredSignoffs] = useState<number | null>(null);

  useEffect(() => {
    if (!opened || !model.allowed_transitions.includes('approved')) return;
    const controller = new AbortController();
    // How many distinct approvers the active policy wants for this model (its sign_off rules)
    api
      .complianceCheck(model.id, controller.signal)
      .then((check) => {
        const counts = check.items
          .filter((item) => item.kind === 'sign_off' && item.status !== 'not_applicable')
          .map((item) => Number(item.evidence?.required ?? 1));
        setRequiredSignoffs(Math.max(1, ...counts));
      })
      .catch(() => setRequiredSignoffs(null));
    return () => controller.abort();
  }, [opened, model.id, model.revision]);

  const candidate = model.latest_version?.id ?? null;
  const signoffs = (model.approval?.signoffs ?? []).filter((s) => s.version_id === candidate);
  const required = requiredSignoffs ?? model.approval?.required_signoffs ?? 1;

  useEffect(() => {
    if (opened) {
      setTarget(model.allowed_transitions.length === 1 ? model.allowed_transitions[0] : null);
      setReason('');
      setErrors({});
      setGeneral(null);
      setNotAllowed(null);
      setRules([]);
      setStale(false);
    }
    // Reset only when the dialog opens.
  }, [opened]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const nextErrors: Record<string, string> = {};
    if (!target) nextErrors.status = 'Choose the new status';
    if (!reason.trim()) nextErrors.reason = 'A reason is required';
    setErrors(nextErrors);
    if (Object.keys(nextErrors).length) return;
    setBusy(true);
    setGeneral(null);
    setNotAllowed(null);
    setRules([]);
    try {
      onSaved(await api.changeStatus(model.id, target as ComplianceStatus, reason.trim(), model.revision));
    } catch (error) {
      const allowed = allowedFromError(error);
      const broken = failedRules(error);
      if (broken.length > 0) {
        setRules(broken);
      } else if (allowed) {
        setNotAllowed(allowed);
        setTarget(null);
        void onReload();
      } else if (isStale(error)) {
        setStale(true);
      } else {
        const problem = problemFromError(error, ['status', 'reason']);
        setErrors(problem.fields);
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
      setStale(false);
      setTarget(null);
    }
  }

  const options = model.allowed_transitions;
  // What the policy will say about the chosen step, shown before the user confirms.
  const preview = useAsync<{ check: ComplianceCheck; obligations: Obligations | null } | null>(
    async (signal) => {
      if (!opened || !target || target === 'draft' || target === 'retired') return null;
      const [check, obligations] = await Promise.all([
        api.complianceCheck(model.id, signal, target as ComplianceStatus),
        target === 'approved' ? api.obligations(model.id, signal).catch(() => null) : Promise.resolve(null),
      ]);
      return { check, obligations };
    },
    [opened, target, model.id, model.revision],
  );

  return (
    <Modal opened={opened} onClose={onClose} title="Change compliance status" size="md">
      <form onSubmit={submit} noValidate aria-label="Change compliance status">
        <Stack gap="md">
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              Current status
            </Text>
            <StatusBadge status={model.compliance_status} />
          </Group>
          {stale && <StaleNotice onReload={reload} reloading={reloading} />}
          {notAllowed && (
            <Alert color="orange" variant="light" title="This change is not allowed" role="alert">
              {notAllowed.length > 0
                ? `From its current status the model can only move to: ${notAllowed.map(statusLabel).join(', ')}.`
                : 'The model cannot change status any more.'}
            </Alert>
          )}
          {rules.length > 0 && <PolicyFailures rules={rules} message="The change was refused by the compliance policy." />}
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          {options.length === 0 ? (
            <Text size="sm">This model is {statusLabel(model.compliance_status).toLowerCase()}; no further status changes are possible.</Text>
          ) : (
            <Radio.Group
              label="New status"
              value={target}
              onChange={setTarget}
              error={errors.status}
              withAsterisk
            >
              <Stack gap="xs" mt={6}>
                {options.map((status) => (
                  <Radio
                    key={status}
                    value={status}
                    label={`${TRANSITION_LABELS[status] ?? statusLabel(status)} (${statusLabel(status)})`}
                    description={DESCRIPTIONS[status]}
                    color={status === 'retired' ? 'red' : undefined}
                  />
                ))}
              </Stack>
            </Radio.Group>
          )}
          {target === 'approved' && required > 1 && (
            <Alert color="blue" variant="light" title={`${signoffs.length} of ${required} sign-offs`} data-testid="signoff-dialog-progress">
              {signoffs.length > 0 ? `Signed off by ${signoffs.map((s) => s.by).join(', ')}. ` : ''}
              {signoffs.length + 1 >= required
                ? 'Your sign-off completes the approval: the snapshot of what is approved is sealed.'
                : `Your sign-off is recorded; the model stays under review until ${required} different people have signed off.`}
            </Alert>
          )}
          {preview.loading && target && (
            <Group gap="xs" role="status">
              <Loader size="xs" />
              <Text size="sm" c="dimmed">
                Checking the policy…
              </Text>
            </Group>
          )}
          {preview.data && <Preview check={preview.data.check} obligations={preview.data.obligations} />}
          {target === 'approved' && !model.latest_version && (
            <Alert color="yellow" variant="light">
              This model has no registered version yet, so no version will be recorded as approved.
            </Alert>
          )}
          {options.length > 0 && (
            <Textarea
              label="Reason"
              description="Recorded in the audit trail"
              autosize
              minRows={2}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={errors.reason}
              withAsterisk
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {options.length === 0 ? 'Close' : 'Cancel'}
            </Button>
            {options.length > 0 && (
              <Button type="submit" loading={busy} disabled={stale} color={target === 'retired' ? 'red' : undefined}>
                Confirm status change
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The rules that would block the chosen step and the obligations still open, before anything is sent. */
function Preview({ check, obligations }: { check: ComplianceCheck; obligations: Obligations | null }) {
  const failing = check.items.filter((i) => i.status === 'fail');
  const open = (obligations?.items ?? []).filter((o) => o.status === 'open');
  if (failing.length === 0 && open.length === 0) {
    return (
      <Alert color="green" variant="light" title="The active policy allows this step" role="status">
        Every applicable rule of {check.policy_name} passes.
      </Alert>
    );
  }
  return (
    <Alert color={failing.length ? 'red' : 'yellow'} variant="light" role="status"
      title={failing.length ? `${failing.length} ${failing.length === 1 ? 'rule blocks' : 'rules block'} this step` : 'Obligations still open'}>
      {failing.length > 0 && (
        <List size="sm" spacing={2} aria-label="Blocking rules">
          {failing.map((item) => (
            <List.Item key={item.rule_id}>
              <Text span fw={600} size="sm">
                {item.rule_id}
              </Text>
              : {humanReason(item.reason)} ({item.article})
            </List.Item>
          ))}
        </List>
      )}
      {open.length > 0 && (
        <Text size="sm" mt={failing.length ? 'xs' : 0}>
          Open EU AI Act obligations: {open.map((o) => `${o.article} ${o.title}`).join('; ')}.
        </Text>
      )}
    </Alert>
  );
}
