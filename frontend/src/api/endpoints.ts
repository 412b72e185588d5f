/** One typed function per route of docs/api.md that the dashboard uses. */
import type { ApiClient } from './client';
import type {
  ActivePolicy,
  ApprovalRecord,
  AttestationRequest,
  ClassificationRequest,
  ClassificationResult,
  EuDatabaseRecord,
  Questionnaire,
  AuditQuery,
  AuditExportLink,
  AuditRecord,
  AuditVerification,
  ComplianceCheck,
  ComplianceReportLink,
  ComplianceStatus,
  DashboardStats,
  Metric,
  Model,
  Obligations,
  ModelCreate,
  ModelProfileUpdate,
  ModelQuery,
  Page,
  RiskLevel,
  Team,
  Dataset,
  DatasetCreate,
  DatasetFlagOutcome,
  DatasetImpact,
  DatasetVersion,
  DatasetVersionCreate,
  Lineage,
  Version,
  VersionCreate,
} from './types';

export const PAGE_SIZE = 25;

export class GovernanceApi {
  constructor(readonly http: ApiClient) {}

  listModels(filters: ModelQuery, cursor?: string | null, signal?: AbortSignal, limit: number = PAGE_SIZE): Promise<Page<Model>> {
    return this.http.get('/models', { query: { ...filters, limit, cursor }, signal });
  }

  getModel(id: number, signal?: AbortSignal): Promise<Model> {
    return this.http.get(`/models/${id}`, { signal });
  }

  createModel(body: ModelCreate): Promise<Model> {
    return this.http.post('/models', body);
  }

  updateModel(id: number, body: ModelProfileUpdate): Promise<Model> {
    return this.http.patch(`/models/${id}`, body);
  }

  changeRisk(id: number, riskLevel: RiskLevel, justification: string, expectedRevision?: number): Promise<Model> {
    return this.http.patch(`/models/${id}/risk-profile`, {
      risk_level: riskLevel,
      justification,
      expected_revision: expectedRevision,
    });
  }

  changeStatus(id: number, status: ComplianceStatus, reason: string, expectedRevision?: number): Promise<Model> {
    return this.http.patch(`/models/${id}/compliance-status`, { status, reason, expected_revision: expectedRevision });
  }

  deleteModel(id: number, reason: string): Promise<void> {
    return this.http.delete(`/models/${id}`, { query: { reason } });
  }

  listVersions(modelId: number, signal?: AbortSignal): Promise<Page<Version>> {
    return this.http.get(`/models/${modelId}/versions`, { query: { limit: 100 }, signal });
  }

  getVersion(id: number, signal?: AbortSignal): Promise<Version> {
    return this.http.get(`/versions/${id}`, { signal });
  }

  createVersion(body: VersionCreate): Promise<Version> {
    return this.http.post('/versions', body);
  }

  listMetrics(versionId: number, signal?: AbortSignal): Promise<Page<Metric>> {
    return this.http.get(`/versions/${versionId}/metrics`, { query: { limit: 100 }, signal });
  }

  createMetric(versionId: number, metricName: string, value: number): Promise<Metric> {
    return this.http.post('/metrics', { version_id: versionId, metric_name: metricName, value });
  }

  dashboardStats(signal?: AbortSignal): Promise<DashboardStats> {
    return this.http.get('/dashboard/stats', { signal });
  }

  listAuditLogs(
    filters: AuditQuery,
    cursor?: string | null,
    limit: number = PAGE_SIZE,
    signal?: AbortSignal,
  ): Promise<Page<AuditRecord>> {
    return this.http.get('/audit-logs', { query: { ...filters, limit, cursor }, signal });
  }

  modelAuditLogs(modelId: number, cursor?: string | null, signal?: AbortSignal): Promise<Page<AuditRecord>> {
    return this.http.get(`/models/${modelId}/audit-logs`, { query: { limit: 50, cursor }, signal });
  }

  verifyModelAudit(modelId: number, signal?: AbortSignal): Promise<AuditVerification> {
    return this.http.get(`/models/${modelId}/audit-logs/verify`, { signal });
  }

  approval(modelId: number, signal?: AbortSignal): Promise<ApprovalRecord> {
    return this.http.get(`/models/${modelId}/approval`, { signal });
  }

  listDatasets(cursor?: string | null, signal?: AbortSignal): Promise<Page<Dataset>> {
    return this.http.get('/datasets', { query: { limit: PAGE_SIZE, cursor }, signal });
  }

  getDataset(id: number, signal?: AbortSignal): Promise<Dataset> {
    return this.http.get(`/datasets/${id}`, { signal });
  }

  createDataset(body: DatasetCreate): Promise<Dataset> {
    return this.http.post('/datasets', body);
  }

  listDatasetVersions(id: number, signal?: AbortSignal): Promise<Page<DatasetVersion>> {
    return this.http.get(`/datasets/${id}/versions`, { query: { limit: 100 }, signal });
  }

  createDatasetVersion(id: number, body: DatasetVersionCreate): Promise<DatasetVersion> {
    return this.http.post(`/datasets/${id}/versions`, body);
  }

  datasetImpact(id: number, signal?: AbortSignal): Promise<DatasetImpact> {
    return this.http.get(`/datasets/${id}/impact`, { signal });
  }

  flagDataset(id: number, reason: string, expectedRevision?: number): Promise<DatasetFlagOutcome> {
    return this.http.post(`/datasets/${id}/flag`, { reason, expected_revision: expectedRevision });
  }

  unflagDataset(id: number, reason: string): Promise<Dataset> {
    return this.http.post(`/datasets/${id}/unflag`, { reason });
  }

  modelLineage(modelId: number, signal?: AbortSignal): Promise<Lineage> {
    return this.http.get(`/models/${modelId}/lineage`, { signal });
  }

  listTeams(signal?: AbortSignal): Promise<Page<Team>> {
    return this.http.get('/teams', { query: { limit: 100 }, signal });
  }

  createTeam(slug: string, displayName: string): Promise<Team> {
    return this.http.post('/teams', { slug, display_name: displayName });
  }

  /** The model's audit bundle (records + manifest) for offline verification, as an expiring link. */
  exportModelAudit(modelId: number): Promise<AuditExportLink> {
    return this.http.get(`/models/${modelId}/audit-logs/export`, { headers: { Accept: 'application/json' } });
  }

  /** The active policy's checklist for the model's next step, or for `target` when given. */
  complianceCheck(modelId: number, signal?: AbortSignal, target?: ComplianceStatus): Promise<ComplianceCheck> {
    return this.http.get(`/models/${modelId}/compliance-check`, { query: target ? { target } : undefined, signal });
  }

  activePolicy(signal?: AbortSignal): Promise<ActivePolicy> {
    return this.http.get('/policies/active', { signal });
  }

  obligations(modelId: number, signal?: AbortSignal): Promise<Obligations> {
    return this.http.get(`/models/${modelId}/obligations`, { signal });
  }

  questionnaire(signal?: AbortSignal): Promise<Questionnaire> {
    return this.http.get('/classification/questionnaire', { signal });
  }

  classification(modelId: number, signal?: AbortSignal): Promise<ClassificationResult> {
    return this.http.get(`/models/${modelId}/classification`, { signal });
  }

  classify(modelId: number, body: ClassificationRequest): Promise<ClassificationResult> {
    return this.http.post(`/models/${modelId}/classification`, body);
  }

  overrides(cursor?: string | null, signal?: AbortSignal): Promise<Page<Model>> {
    return this.http.get('/classification/overrides', { query: { limit: PAGE_SIZE, cursor }, signal });
  }

  attest(modelId: number, body: AttestationRequest): Promise<unknown> {
    return this.http.post(`/models/${modelId}/attestations`, body);
  }

  euDatabaseRecord(modelId: number): Promise<EuDatabaseRecord> {
    return this.http.get(`/models/${modelId}/eu-database-record`);
  }

  complianceReport(modelId: number): Promise<ComplianceReportLink> {
    return this.http.get(`/reports/${modelId}/compliance-report`, { headers: { Accept: 'application/json' } });
  }
}
