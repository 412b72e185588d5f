import { Anchor, Badge, Breadcrumbs, Button, Card, Grid, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowsExchange, IconEdit, IconTrash } from '@tabler/icons-react';
import { lazy, Suspense, useCallback, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext';
import { ApiError } from '../api/client';
import type { Model, Version } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { RiskBadge, StatusBadge } from '../components/Badges';
import { AuditPanel } from '../components/models/AuditPanel';
import { ClassificationPanel } from '../components/models/ClassificationPanel';
import { EvidencePanel } from '../components/evidence/EvidencePanel';
import { CompliancePanel } from '../components/models/CompliancePanel';
import { DeleteModelDialog } from '../components/models/DeleteModelDialog';
import { EditProfileModal } from '../components/models/EditProfileModal';
import { MetricsPanel } from '../components/models/MetricsPanel';
import { MonitoringPanel } from '../components/models/MonitoringPanel';
import { ReportButton } from '../components/models/ReportButton';
import { RiskModal } from '../components/models/RiskModal';
import { ApprovalSummary } from '../components/models/ApprovalSummary';
import { StatusDialog } from '../components/models/StatusDialog';
import { VersionsPanel } from '../components/models/VersionsPanel';
// the graph library loads with the Lineage tab, not with every model page
const LineagePanel = lazy(() => import('../components/models/LineagePanel').then((m) => ({ default: m.LineagePanel })));
import { PageTitle } from '../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { formatDateTime, statusLabel } from '../lib/format';

// Where an imported model lives (docs/integrations.md); its approval is written back there.
const SOURCE_LABELS: Record<string, string> = { mlflow: 'MLflow', sagemaker: 'SageMaker Model Registry' };

function Field({ label, children, emptyText = 'Not documented' }: { label: string; children: ReactNode; emptyText?: string }) {
  const empty = children === null || children === undefined || children === '';
  return (
    <Stack gap={2}>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      <Text size="sm" c={empty ? 'dimmed' : undefined} style={{ whiteSpace: 'pre-wrap' }}>
        {empty ? emptyText : children}
      </Text>
    </Stack>
  );
}

const TABS = ['overview', 'versions', 'metrics', 'lineage', 'classification', 'compliance', 'monitoring', 'evidence', 'audit'] as const;

export default function ModelDetailPage() {
  const { id } = useParams();
  const modelId = Number(id);
  const api = useApi();
  const auth = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = TABS.includes(params.get('tab') as (typeof TABS)[number]) ? (params.get('tab') as string) : 'overview';

  const [profileOpened, profile] = useDisclosure(false);
  const [riskOpened, risk] = useDisclosure(false);
  const [statusOpened, status] = useDisclosure(false);
  const [deleteOpened, del] = useDisclosure(false);

  const model = useAsync<Model>((signal) => api.getModel(modelId, signal), [modelId]);
  const versions = useAsync<Version[]>(
    async (signal) => (await api.listVersions(modelId, signal)).items,
    [modelId],
  );

  const reloadModel = useCallback(async (): Promise<Model | undefined> => {
    try {
      const latest = await api.getModel(modelId);
      model.setData(latest);
      return latest;
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not reload the model', message: String((error as Error).message) });
      return undefined;
    }
  }, [api, modelId, model]);

  if (!Number.isInteger(modelId) || modelId <= 0) {
    return <EmptyState title="Model not found">That is not a model id.</EmptyState>;
  }
  if (model.loading && !model.data) {
    return <LoadingState label="Loading model…" />;
  }
  if (model.error || !model.data) {
    if (model.error instanceof ApiError && model.error.status === 404) {
      return (
        <EmptyState title="Model not found">
          It may have been deleted. Back to the{' '}
          <Anchor component={Link} to="/models">
            model registry
          </Anchor>
          .
        </EmptyState>
      );
    }
    return <ErrorState error={model.error} onRetry={model.reload} title="Could not load the model" />;
  }

  const m = model.data;
  const saved = (title: string) => (next: Model) => {
    model.setData(next);
    notifications.show({ color: 'green', title, message: `${next.name} is at revision ${next.revision}.` });
  };

  return (
    <>
      <Breadcrumbs mb="sm" fz="sm">
        <Anchor component={Link} to="/models">
          Models
        </Anchor>
        <Text size="sm">{m.name}</Text>
      </Breadcrumbs>

      <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="md">
        <Stack gap={6}>
          <PageTitle title={m.name}>{m.name}</PageTitle>
          <Group gap="xs">
            <RiskBadge level={m.risk_level} size="lg" />
            <StatusBadge status={m.compliance_status} size="lg" />
            {m.classification?.override && (
              <Badge color="orange" variant="light" title={m.classification.justification ?? undefined}>
                Overrides the suggested {m.classification.suggested_risk_level} risk
              </Badge>
            )}
            {!m.classification && (
              <Badge color="yellow" variant="light">
                Not classified
              </Badge>
            )}
            <Text size="sm" c="dimmed">
              Owned by {m.owner}
              {m.domain ? ` · ${m.domain}` : ''} · revision {m.revision}
            </Text>
          </Group>
        </Stack>
        <Group gap="sm">
          <ReportButton model={m} />
          {auth.canWrite && (
            <Button leftSection={<IconArrowsExchange size={16} />} onClick={status.open}>
              Change status
            </Button>
          )}
          {auth.canDelete && (
            <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={del.open}>
              Delete
            </Button>
          )}
        </Group>
      </Group>

      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(
            (previous) => {
              const next = new URLSearchParams(previous);
              if (value && value !== 'overview') next.set('tab', value);
              else next.delete('tab');
              return next;
            },
            { replace: true },
          )
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="versions">Versions{versions.data ? ` (${versions.data.length})` : ''}</Tabs.Tab>
          <Tabs.Tab value="metrics">Metrics</Tabs.Tab>
          <Tabs.Tab value="lineage">Lineage</Tabs.Tab>
          <Tabs.Tab value="classification">Classification</Tabs.Tab>
          <Tabs.Tab value="compliance">Compliance check</Tabs.Tab>
          <Tabs.Tab value="monitoring">Monitoring</Tabs.Tab>
          <Tabs.Tab value="evidence">Evidence</Tabs.Tab>
          <Tabs.Tab value="audit">Audit trail</Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="overview">
          <Grid gutter="md">
            <Grid.Col span={{ base: 12, md: 8 }}>
              <Card padding="lg" component="section" aria-label="Profile">
                <Group justify="space-between" mb="md">
                  <Title order={3} fz="lg">
                    Profile
                  </Title>
                  {auth.canWrite && (
                    <Button size="xs" variant="default" leftSection={<IconEdit size={14} />} onClick={profile.open}>
                      Edit profile
                    </Button>
                  )}
                </Group>
                <Stack gap="md">
                  <Field label="Description">{m.description}</Field>
                  <Field label="Intended purpose">{m.intended_purpose}</Field>
                  <Field label="Data sources">{m.data_sources}</Field>
                  <Field label="Human oversight plan">{m.oversight_plan}</Field>
                  <Grid>
                    <Grid.Col span={6}>
                      <Field label="Owner">{m.owner}</Field>
                      <Field label="Team" emptyText="Unassigned (administrators only)">{m.team}</Field>
                    </Grid.Col>
                    <Grid.Col span={6}>
                      <Field label="Domain">{m.domain}</Field>
                    </Grid.Col>
                  </Grid>
                </Stack>
              </Card>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <Stack gap="md">
                <Card padding="lg" component="section" aria-label="Risk profile">
                  <Group justify="space-between" mb="md">
                    <Title order={3} fz="lg">
                      Risk profile
                    </Title>
                    {auth.canWrite && (
                      <Button size="xs" variant="default" leftSection={<IconEdit size={14} />} onClick={risk.open}>
                        Edit risk level
                      </Button>
                    )}
                  </Group>
                  <Stack gap="sm">
                    <Group gap="xs">
                      <Text size="sm" c="dimmed">
                        EU AI Act tier
                      </Text>
                      <RiskBadge level={m.risk_level} />
                    </Group>
                    <Field label="Justification">{m.risk_justification}</Field>
                  </Stack>
                </Card>
                <Card padding="lg" component="section" aria-label="Lifecycle">
                  <Title order={3} fz="lg" mb="md">
                    Lifecycle
                  </Title>
                  <Stack gap="sm">
                    <Group gap="xs">
                      <Text size="sm" c="dimmed">
                        Status
                      </Text>
                      <StatusBadge status={m.compliance_status} />
                    </Group>
                    <Field label="Next possible steps">
                      {m.allowed_transitions.length ? m.allowed_transitions.map(statusLabel).join(', ') : 'None (final)'}
                    </Field>
                    {m.external_ref && (
                      <Field label="Imported from">
                        {`${SOURCE_LABELS[m.external_ref.system] ?? m.external_ref.system}: ${m.external_ref.name}`}
                      </Field>
                    )}
                    <Field label="Latest version" emptyText="None registered">{m.latest_version?.version_tag}</Field>
                    <Field label={m.compliance_status === 'approved' ? 'Approved version' : 'Last approved version'} emptyText="None yet">
                      {m.approved_version_id
                        ? (versions.data?.find((v) => v.id === m.approved_version_id)?.version_tag ?? `#${m.approved_version_id}`)
                        : null}
                    </Field>
                    <Field label="Last change">
                      {`${formatDateTime(m.updated_at)}${m.updated_by ? ` by ${m.updated_by}` : ''}`}
                    </Field>
                    {m.last_change_reason && <Field label="Reason">{m.last_change_reason}</Field>}
                    <ApprovalSummary model={m} />
                  </Stack>
                </Card>
              </Stack>
            </Grid.Col>
          </Grid>
        </Tabs.Panel>

        <Tabs.Panel value="versions">
          <VersionsPanel
            model={m}
            versions={versions.data ?? []}
            loading={versions.loading}
            error={versions.error}
            onRetry={versions.reload}
            canWrite={auth.canWrite}
            onCreated={() => {
              versions.reload();
              void reloadModel();
            }}
          />
        </Tabs.Panel>

        <Tabs.Panel value="metrics">
          {versions.loading && !versions.data ? (
            <LoadingState label="Loading versions…" />
          ) : versions.error ? (
            <ErrorState error={versions.error} onRetry={versions.reload} title="Could not load versions" />
          ) : (
            <MetricsPanel model={m} versions={versions.data ?? []} canWrite={auth.canWrite} />
          )}
        </Tabs.Panel>

        <Tabs.Panel value="lineage">
          <Suspense fallback={<LoadingState />}>
            <LineagePanel modelId={modelId} />
          </Suspense>
        </Tabs.Panel>

        <Tabs.Panel value="classification">
          <ClassificationPanel model={m} canWrite={auth.canWrite} onChanged={() => void reloadModel()} onReload={reloadModel} />
        </Tabs.Panel>

        <Tabs.Panel value="monitoring">
          <MonitoringPanel modelId={m.id} canWrite={auth.canWrite} onChanged={() => void reloadModel()} />
        </Tabs.Panel>

        <Tabs.Panel value="compliance">
          <CompliancePanel modelId={m.id} revision={m.revision} status={m.compliance_status} canWrite={auth.canWrite} />
        </Tabs.Panel>

        <Tabs.Panel value="evidence">
          <EvidencePanel modelId={m.id} canWrite={auth.canWrite} onWithdrawn={() => void reloadModel()} />
        </Tabs.Panel>

        <Tabs.Panel value="audit">
          <AuditPanel modelId={m.id} revision={m.revision} />
        </Tabs.Panel>
      </Tabs>

      {auth.canWrite && (
        <>
          <EditProfileModal model={m} opened={profileOpened} onClose={profile.close} onReload={reloadModel} onSaved={(next) => {
            profile.close();
            saved('Profile saved')(next);
          }} />
          <RiskModal model={m} opened={riskOpened} onClose={risk.close} onReload={reloadModel} onSaved={(next) => {
            risk.close();
            saved(next.compliance_status !== m.compliance_status ? 'Risk level updated: approval invalidated, back under review' : 'Risk level updated')(next);
          }} />
          <StatusDialog model={m} opened={statusOpened} onClose={status.close} onReload={reloadModel} onSaved={(next) => {
            status.close();
            const signedOff = next.compliance_status === m.compliance_status && (next.approval?.signoffs.length ?? 0) > 0;
            saved(
              signedOff
                ? `Sign-off recorded: ${next.approval?.signoffs.length} of ${next.approval?.required_signoffs}`
                : `Status changed to ${statusLabel(next.compliance_status)}`,
            )(next);
            // The approved and latest versions, as the registry now records them.
            void reloadModel();
            versions.reload();
          }} />
        </>
      )}
      {auth.canDelete && (
        <DeleteModelDialog
          model={m}
          opened={deleteOpened}
          onClose={del.close}
          onDeleted={() => {
            del.close();
            notifications.show({ color: 'green', title: 'Model deleted', message: `${m.name} was deleted.` });
            navigate('/models', { replace: true });
          }}
        />
      )}
    </>
  );
}
