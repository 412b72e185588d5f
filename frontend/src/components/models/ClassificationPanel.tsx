import { Alert, Badge, Button, Card, Checkbox, Group, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import {
  OPERATOR_ROLES,
  type ClassificationResult,
  type Model,
  type OperatorRole,
  type Question,
  type Questionnaire,
  type RiskLevel,
} from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { formatDateTime } from '../../lib/format';
import { download } from '../../lib/download';
import { isStale, problemFromError } from '../../lib/formErrors';
import { RiskBadge } from '../Badges';
import { ErrorState, LoadingState } from '../States';
import { RISK_OPTIONS } from './RegisterModelModal';
import { StaleNotice } from './StaleNotice';

const ROLE_LABELS: Record<OperatorRole, string> = {
  provider: 'Provider',
  deployer: 'Deployer',
  importer: 'Importer',
  distributor: 'Distributor',
  authorised_representative: 'Authorised representative',
  product_manufacturer: 'Product manufacturer',
};
const ADOPT = 'adopt';

function asked(question: Question, answers: Record<string, boolean>): boolean {
  if (!question.ask_if) return true;
  const conditions = Array.isArray(question.ask_if) ? question.ask_if : [question.ask_if];
  return conditions.some((id) => answers[id]);
}

/** The recorded verdict: suggested level, override and why, the basis with the answer behind each conclusion. */
function Verdict({ result }: { result: ClassificationResult }) {
  const summary = result.summary;
  if (!summary || !result.suggested_risk_level) {
    return (
      <Alert color="yellow" variant="light" title="Not classified">
        Approval needs a classification: answer the questionnaire below.
      </Alert>
    );
  }
  const flags = ['registration_required', 'art6_3_derogation', 'gpai', 'gpai_systemic_risk'].filter((f) => result.flags[f]);
  return (
    <Card padding="lg" component="section" aria-label="Classification result">
      <Group justify="space-between" align="flex-start" mb="xs">
        <Stack gap={2}>
          <Title order={3} fz="md">
            The questionnaire suggests <RiskBadge level={result.suggested_risk_level} />
          </Title>
          <Text size="xs" c="dimmed">
            Questionnaire {summary.questionnaire_version}, answered by {summary.classified_by} on {formatDateTime(summary.classified_at)}
            {result.operator_role ? ` · operator role: ${ROLE_LABELS[result.operator_role]}` : ''}
          </Text>
        </Stack>
        {summary.override ? (
          <Badge color="orange" variant="light" size="lg">
            Override
          </Badge>
        ) : (
          <Badge color="green" variant="light" size="lg">
            Agrees with the model
          </Badge>
        )}
      </Group>
      {summary.override && (
        <Text size="sm" mb="xs">
          The model is <strong>{result.risk_level}</strong> risk. Justification: {summary.justification || 'none recorded'}
        </Text>
      )}
      {flags.length > 0 && (
        <Group gap="xs" mb="xs" aria-label="Flags">
          {flags.map((f) => (
            <Badge key={f} variant="outline" color="blue">
              {f.replaceAll('_', ' ')}
            </Badge>
          ))}
        </Group>
      )}
      <Table verticalSpacing={4} aria-label="Basis">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Provision</Table.Th>
            <Table.Th>Why</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.basis.map((b, i) => (
            <Table.Tr key={`${b.provision}-${i}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text size="sm" fw={600}>
                  {b.provision}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{b.reason}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function QuestionnaireForm({
  model,
  questionnaire,
  initial,
  onSaved,
  onReload,
}: {
  model: Model;
  questionnaire: Questionnaire;
  initial: ClassificationResult | null;
  onSaved: (result: ClassificationResult) => void;
  onReload: () => Promise<Model | undefined>;
}) {
  const api = useApi();
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [role, setRole] = useState<string | null>(model.operator_role ?? 'provider');
  const [level, setLevel] = useState<string>(ADOPT);
  const [justification, setJustification] = useState('');
  const [general, setGeneral] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setAnswers(Object.fromEntries((initial?.answered_yes ?? []).map((id) => [id, true])));
  }, [initial]);

  const sections = useMemo(
    () => questionnaire.sections.map((s) => ({ ...s, questions: questionnaire.questions.filter((q) => q.section === s.id) })),
    [questionnaire],
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (level !== ADOPT && !justification.trim()) {
      setErrors({ justification: 'Keeping or choosing a level other than the suggestion needs a justification' });
      return;
    }
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      const given = Object.fromEntries(Object.entries(answers).filter(([id, yes]) => yes && asked(questionnaire.questions.find((q) => q.id === id)!, answers)));
      onSaved(
        await api.classify(model.id, {
          answers: given,
          operator_role: (role ?? undefined) as OperatorRole | undefined,
          ...(level !== ADOPT ? { risk_level: level as RiskLevel, justification: justification.trim() } : {}),
          expected_revision: model.revision,
        }),
      );
    } catch (error) {
      if (isStale(error)) setStale(true);
      else {
        const problem = problemFromError(error, ['justification', 'answers']);
        setErrors(problem.fields);
        setGeneral(problem.general);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card padding="lg" component="section" aria-label="Classification questionnaire">
      <form onSubmit={submit} noValidate aria-label="Classification questionnaire">
        <Stack gap="md">
          <Stack gap={2}>
            <Title order={3} fz="md">
              {questionnaire.title} (version {questionnaire.version})
            </Title>
            <Text size="xs" c="dimmed">
              {questionnaire.law}. Tick every statement that is true; the rest count as no.
            </Text>
          </Stack>
          {stale && (
            <StaleNotice
              onReload={async () => {
                await onReload();
                setStale(false);
              }}
              reloading={false}
            />
          )}
          {sections.map((section) => {
            const visible = section.questions.filter((q) => asked(q, answers));
            if (visible.length === 0) return null;
            return (
              <fieldset key={section.id} style={{ border: 0, padding: 0, margin: 0 }}>
                <legend>
                  <Text fw={700} size="sm">
                    {section.title} <Text span c="dimmed" size="xs">({section.provision})</Text>
                  </Text>
                </legend>
                <Stack gap={6} mt={6}>
                  {visible.map((q) => (
                    <Checkbox
                      key={q.id}
                      id={`q-${q.id}`}
                      checked={!!answers[q.id]}
                      onChange={(e) => {
                        const checked = e.currentTarget.checked;
                        setAnswers((previous) => ({ ...previous, [q.id]: checked }));
                      }}
                      label={`${q.provision}: ${q.text}`}
                      description={q.help}
                    />
                  ))}
                </Stack>
              </fieldset>
            );
          })}
          <Group grow align="flex-start">
            <Select
              label="Our role for this system"
              data={OPERATOR_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
              value={role}
              onChange={setRole}
              allowDeselect={false}
            />
            <Select
              label="Risk level of the model"
              data={[{ value: ADOPT, label: 'Adopt the suggestion' }, ...RISK_OPTIONS.map((o) => ({ ...o, label: `Keep / set ${o.label}` }))]}
              value={level}
              onChange={(value) => setLevel(value ?? ADOPT)}
              allowDeselect={false}
            />
          </Group>
          {level !== ADOPT && (
            <Textarea
              label="Justification of the override"
              description="Required when the level differs from the suggestion; shown in the override list and the report."
              value={justification}
              onChange={(e) => setJustification(e.currentTarget.value)}
              error={errors.justification}
              autosize
              minRows={2}
            />
          )}
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              Classify
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The EU AI Act questionnaire for one model: the recorded verdict, the form, and the EU database record. */
export function ClassificationPanel({
  model,
  canWrite,
  onChanged,
  onReload,
}: {
  model: Model;
  canWrite: boolean;
  onChanged: () => void;
  onReload: () => Promise<Model | undefined>;
}) {
  const api = useApi();
  const questionnaire = useAsync<Questionnaire>((signal) => api.questionnaire(signal), []);
  const result = useAsync<ClassificationResult>((signal) => api.classification(model.id, signal), [model.id, model.revision]);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<string | null>(null);

  async function downloadRecord() {
    setDownloading(true);
    setDownloadError(null);
    try {
      const record = await api.euDatabaseRecord(model.id);
      download(`eu-database-record-${model.name}.json`, new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' }));
    } catch (error) {
      setDownloadError(error instanceof ApiError ? error.message : String(error));
    } finally {
      setDownloading(false);
    }
  }

  // after a classification the model's new revision reloads the verdict: keep showing the one there is meanwhile
  if ((questionnaire.loading && !questionnaire.data) || (result.loading && !result.data)) {
    return <LoadingState label="Loading the classification…" />;
  }
  if (questionnaire.error || !questionnaire.data) {
    return <ErrorState error={questionnaire.error} onRetry={questionnaire.reload} title="Could not load the questionnaire" />;
  }
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Which EU AI Act risk level applies, and why: each conclusion names the answer that caused it.
        </Text>
        <Button variant="light" leftSection={<IconDownload size={16} />} onClick={downloadRecord} loading={downloading}>
          EU database record (JSON)
        </Button>
      </Group>
      {downloadError && (
        <Alert color="red" variant="light" role="alert">
          {downloadError}
        </Alert>
      )}
      {result.data && <Verdict result={result.data} />}
      {canWrite && model.compliance_status !== 'retired' && (
        <QuestionnaireForm
          model={model}
          questionnaire={questionnaire.data}
          initial={result.data ?? null}
          onReload={onReload}
          onSaved={(saved) => {
            result.setData(saved);
            onChanged();
          }}
        />
      )}
    </Stack>
  );
}
