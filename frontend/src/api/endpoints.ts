/** One typed function per route of docs/api.md that the dashboard uses. */
import type { ApiClient } from './client';
import type {
  ActivePolicy,
  ApprovalRecord,
  AccessRecord,
  AttestationRequest,
  WithdrawalRequest,
  ClassificationRequest,
  ClassificationResult,
  EuDatabaseRecord,
  Evidence,
  EvidenceCreate,
  EvidenceDownload,
  EvidenceUpload,
  FrameworkCoverage,
  FrameworkId,
  StatementOfApplicability,
  Finding,
  Incident,
  IncidentInput,
  IncidentStepInput,
  MonitoringPlan,
  MonitoringPlanInput,
  Observation,
  ReviewInput,
  ReviewPage,
  ReviewSchedule,
  Questionnaire,
  AuditQuery,
  ModelAsOf,
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
  DatasetQuery,
  DatasetUpdate,
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

  /** Who fetched which report when: one model's accesses, or one UTC day's (today by default). */
  listAccessLogs(
    filters: { model_id?: number; day?: string; actor?: string },
    cursor?: string | null,
    signal?: AbortSignal,
  ): Promise<Page<AccessRecord>> {
    return this.http.get('/access-logs', { query: { ...filters, limit: PAGE_SIZE, cursor }, signal });
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

  /** `GET /models/{id}/as-of`: the model as its audit trail shows it at `at` (an ISO 8601 time with its zone). */
  modelAsOf(modelId: number, at: string, signal?: AbortSignal): Promise<ModelAsOf> {
    return this.http.get(`/models/${modelId}/as-of`, { query: { at }, signal });
  }

  approval(modelId: number, signal?: AbortSignal): Promise<ApprovalRecord> {
    return this.http.get(`/models/${modelId}/approval`, { signal });
  }

  listDatasets(filters: DatasetQuery, cursor?: string | null, signal?: AbortSignal): Promise<Page<Dataset>> {
    return this.http.get('/datasets', { query: { ...filters, limit: PAGE_SIZE, cursor }, signal });
  }

  getDataset(id: number, signal?: AbortSignal): Promise<Dataset> {
    return this.http.get(`/datasets/${id}`, { signal });
  }

  createDataset(body: DatasetCreate): Promise<Dataset> {
    return this.http.post('/datasets', body);
  }

  /** Changes the datasheet; `expected_revision` makes a write over someone else's change a 409 `stale_revision`. */
  updateDataset(id: number, body: DatasetUpdate): Promise<Dataset> {
    return this.http.patch(`/datasets/${id}`, body);
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

  withdrawAttestation(modelId: number, obligationId: string, body: WithdrawalRequest): Promise<unknown> {
    return this.http.post(`/models/${modelId}/attestations/${encodeURIComponent(obligationId)}/withdrawal`, body);
  }

  euDatabaseRecord(modelId: number): Promise<EuDatabaseRecord> {
    return this.http.get(`/models/${modelId}/eu-database-record`);
  }

  complianceReport(modelId: number): Promise<ComplianceReportLink> {
    return this.http.get(`/reports/${modelId}/compliance-report`, { headers: { Accept: 'application/json' } });
  }

  listEvidence(modelId: number, signal?: AbortSignal): Promise<Page<Evidence>> {
    return this.http.get(`/models/${modelId}/evidence`, { query: { limit: 100 }, signal });
  }

  announceEvidence(modelId: number, body: EvidenceCreate): Promise<EvidenceUpload> {
    return this.http.post(`/models/${modelId}/evidence`, body);
  }

  completeEvidence(modelId: number, evidenceId: string): Promise<Evidence> {
    return this.http.post(`/models/${modelId}/evidence/${encodeURIComponent(evidenceId)}/complete`, undefined);
  }

  signOffEvidence(modelId: number, evidenceId: string, reason: string, expectedRevision?: number | null): Promise<Evidence> {
    return this.http.post(`/models/${modelId}/evidence/${encodeURIComponent(evidenceId)}/signoff`, {
      reason,
      expected_revision: expectedRevision ?? undefined,
    });
  }

  withdrawEvidence(modelId: number, evidenceId: string, reason: string, expectedRevision?: number | null): Promise<Evidence> {
    return this.http.post(`/models/${modelId}/evidence/${encodeURIComponent(evidenceId)}/withdraw`, {
      reason,
      expected_revision: expectedRevision ?? undefined,
    });
  }

  downloadEvidence(modelId: number, evidenceId: string): Promise<EvidenceDownload> {
    return this.http.get(`/models/${modelId}/evidence/${encodeURIComponent(evidenceId)}/download`);
  }

  evidenceAttention(signal?: AbortSignal): Promise<Page<Evidence>> {
    return this.http.get('/evidence/attention', { query: { limit: 20 }, signal });
  }

  frameworkCoverage(framework: FrameworkId, modelId: number, signal?: AbortSignal): Promise<FrameworkCoverage> {
    return this.http.get(`/frameworks/${framework}/coverage`, { query: { model_id: modelId }, signal });
  }

  statementOfApplicability(signal?: AbortSignal): Promise<StatementOfApplicability> {
    return this.http.get('/frameworks/iso42001/statement-of-applicability', { signal });
  }

  /** The organisation's ISO/IEC 42001 statement of applicability as the file the API writes (CSV or JSON). */
  statementOfApplicabilityFile(format: 'csv' | 'json'): Promise<Blob> {
    return this.http.getBlob('/frameworks/iso42001/statement-of-applicability', {
      query: { format },
      headers: { Accept: format === 'csv' ? 'text/csv' : 'application/json' },
    });
  }

  // -- post-market monitoring (Art. 72) and incidents (Art. 73) ---------------------------------
  monitoringPlan(modelId: number, signal?: AbortSignal): Promise<MonitoringPlan> {
    return this.http.get(`/models/${modelId}/monitoring-plan`, { signal });
  }

  putMonitoringPlan(modelId: number, body: MonitoringPlanInput): Promise<MonitoringPlan> {
    return this.http.put(`/models/${modelId}/monitoring-plan`, body);
  }

  /** One metric's production values, oldest first (one page holds a year of daily values). */
  observations(modelId: number, metric: string, signal?: AbortSignal): Promise<Page<Observation>> {
    return this.http.get(`/models/${modelId}/observations`, { query: { metric, limit: 400 }, signal });
  }

  findings(modelId: number, signal?: AbortSignal): Promise<{ items: Finding[] }> {
    return this.http.get(`/models/${modelId}/findings`, { signal });
  }

  openFindings(signal?: AbortSignal): Promise<Page<Finding>> {
    return this.http.get('/monitoring/findings', { query: { limit: 50 }, signal });
  }

  reviewsDue(signal?: AbortSignal): Promise<Page<ReviewSchedule>> {
    return this.http.get('/monitoring/reviews-due', { query: { limit: 50 }, signal });
  }

  reviews(modelId: number, signal?: AbortSignal): Promise<ReviewPage> {
    return this.http.get(`/models/${modelId}/reviews`, { signal });
  }

  recordReview(modelId: number, body: ReviewInput): Promise<unknown> {
    return this.http.post(`/models/${modelId}/reviews`, body);
  }

  incidents(filters: { status?: string; overdue?: boolean; model_id?: number }, cursor?: string | null, signal?: AbortSignal): Promise<Page<Incident>> {
    const query = { status: filters.status, model_id: filters.model_id, overdue: filters.overdue ? 'true' : undefined, limit: PAGE_SIZE, cursor };
    return this.http.get('/incidents', { query, signal });
  }

  recordIncident(body: IncidentInput): Promise<Incident> {
    return this.http.post('/incidents', body);
  }

  stepIncident(incidentId: number, body: IncidentStepInput): Promise<Incident> {
    return this.http.patch(`/incidents/${incidentId}/status`, body);
  }
}
