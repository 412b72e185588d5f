/**
 * Shapes of the API v1 contract. They are generated from docs/openapi.json into ./schema.d.ts
 * (`npm run api-types`; the build fails when that file and the contract differ); this module gives them
 * the names the dashboard uses. Only the filter forms' state (strings, as typed) is written by hand.
 */
import type { components, operations } from './schema';

type Schemas = components['schemas'];
type AuditLogFilters = NonNullable<operations['list_audit_logs_api_v1_audit_logs_get']['parameters']['query']>;

export type RiskLevel = Schemas['RiskLevel'];
export type ComplianceStatus = Schemas['ComplianceStatus'];
export type AuditAction = NonNullable<AuditLogFilters['action']>;
export type AuditEntity = NonNullable<AuditLogFilters['entity']>;

/** Every value of a union of the contract, in the order the dashboard shows them: one missing fails to compile. */
function everyValueOf<T extends string>() {
  return <const L extends readonly T[]>(values: L & ([T] extends [L[number]] ? unknown : 'a value of the contract is missing')) =>
    values;
}

export const RISK_LEVELS = everyValueOf<RiskLevel>()(['minimal', 'limited', 'high', 'unacceptable']);
export const STATUSES = everyValueOf<ComplianceStatus>()(['draft', 'under_review', 'approved', 'retired']);
export const AUDIT_ACTIONS = everyValueOf<AuditAction>()(['create', 'update', 'status_change', 'risk_change', 'delete', 'report_generated', 'approval_sealed']);
export const AUDIT_ENTITIES = everyValueOf<AuditEntity>()([
  'model', 'version', 'metric', 'report', 'policy', 'approval', 'team', 'timeline', 'attestation', 'evidence', 'frameworks',
  'monitoring_plan', 'finding', 'review', 'incident', 'incident_deadlines', 'dataset', 'dataset_version',
]);

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type Signoff = Schemas['SignoffOut'];
/** Why the last approval stopped being in force: a governed field changed after it was sealed. */
export type ApprovalInvalidation = Schemas['InvalidationOut'];
/** The model's approval: sign-offs of the current review round, and the sealed snapshot in force. */
export type ApprovalState = Schemas['ApprovalStateOut'];
/** `GET /models/{id}/approval`: what was approved (the latest sealed snapshot) and whether it is in force. */
export type ApprovalRecord = Schemas['ApprovalOut'];
export type Team = Schemas['TeamOut'];
/** A dataset's datasheet (Art. 10, Annex IV 2(d)), its versions, who depends on it, and the lineage of a model. */
export type Dataset = Schemas['DatasetOut'];
export type DatasetCreate = Schemas['DatasetCreate'];
export type DatasetUpdate = Schemas['DatasetUpdate'];
/** `GET /datasets` filters: `team` and `flagged` read their own index each (together they are a 422); `name` is exact. */
export type DatasetQuery = Omit<NonNullable<operations['list_datasets_api_v1_datasets_get']['parameters']['query']>, 'limit' | 'cursor'>;
export type DatasetVersion = Schemas['DatasetVersionOut'];
export type DatasetVersionCreate = Schemas['DatasetVersionCreate'];
export type DatasetImpact = Schemas['ImpactOut'];
export type DatasetImpactEntry = Schemas['ImpactEntryOut'];
export type DatasetFlagOutcome = Schemas['FlagOut'];
export type Lineage = Schemas['LineageOut'];
export type LineageNode = Schemas['LineageNodeOut'];
export type VersionInputs = Schemas['VersionInputsIn'];
/** A base model outside the registry (Art. 25, Annex XII): provider, name, version, GPAI or not, its documentation. */
export type ExternalModelInput = Schemas['ExternalModelIn'];
export type Model = Schemas['ModelOut'];
export type ModelCreate = Schemas['ModelCreate'];
export type ModelProfileUpdate = Schemas['ModelUpdate'];
export type Version = Schemas['VersionOut'];
export type VersionCreate = Schemas['VersionCreate'];
export type Metric = Schemas['MetricOut'];
export type DashboardStats = Schemas['DashboardOut'];
export type AuditActor = Schemas['AuditActorOut'];
export type FieldChange = Schemas['FieldChangeOut'];
export type AuditRecord = Schemas['AuditRecordOut'];
export type ChainBreak = Schemas['ChainBreakOut'];
export type AuditVerification = Schemas['ChainVerificationOut'];
/** `GET /models/{id}/as-of`: the model at a past moment, replayed from its audit trail. */
export type ModelAsOf = Schemas['AsOfOut'];
export type ComplianceReportLink = Schemas['ReportLinkOut'];
/** `GET /models/{id}/audit-logs/export`: an expiring link to the model's verifiable audit bundle. */
export type AuditExportLink = Schemas['ExportLinkOut'];
/** A rule of the active policy an approved model no longer meets, as the policy monitor found it. */
export type PolicyViolation = Schemas['PolicyViolationOut'];
/** One rule a policy engine found broken (409/422 `details.failed_rules`), read leniently from an error's details. */
export type FailedRule = Pick<Schemas['FailedRuleOut'], 'rule' | 'reason'> & Partial<Pick<Schemas['FailedRuleOut'], 'article' | 'rule_id'>>;
export type ComplianceCheckItem = Schemas['CheckItemOut'];
export type CheckStatus = ComplianceCheckItem['status'];
/** `GET /models/{id}/compliance-check`: the active policy's checklist for the next transition. */
export type ComplianceCheck = Schemas['ComplianceCheckOut'];
/** What covers an obligation: a policy rule's result or a feature of the hub, and whether it is there. */
export type Coverage = Schemas['CoverageOut'];
export type Obligation = Schemas['ObligationOut'];
/** `GET /models/{id}/obligations`: the EU AI Act obligations of the model's risk level and operator role. */
export type Obligations = Schemas['ObligationsOut'];
export type ObligationStatus = Obligation['status'];

export type OperatorRole = Schemas['OperatorRole'];
export const OPERATOR_ROLES = everyValueOf<OperatorRole>()([
  'provider', 'deployer', 'importer', 'distributor', 'authorised_representative', 'product_manufacturer',
]);
/** The questionnaire's verdict recorded on a model. */
export type ClassificationSummary = Schemas['ClassificationSummaryOut'];
/** `GET /classification/questionnaire`. */
export type Questionnaire = Schemas['QuestionnaireOut'];
export type Question = Schemas['QuestionOut'];
export type ClassificationBasis = Schemas['BasisOut'];
/** `GET|POST /models/{id}/classification`. */
export type ClassificationResult = Schemas['ClassificationOut'];
export type ClassificationRequest = Schemas['ClassificationRequest'];
/** `GET /models/{id}/eu-database-record`: the Annex VIII data filled from the registry. */
export type EuDatabaseRecord = Schemas['EuDatabaseRecordOut'];
export type AttestationRequest = Schemas['AttestationRequest'];
export type WithdrawalRequest = Schemas['WithdrawalRequest'];
export type AccessRecord = Schemas['AccessRecordOut'];

export interface AuditQuery {
  model_id?: string;
  actor?: string;
  action?: string;
  entity?: string;
  from?: string;
  to?: string;
}

export interface ModelQuery {
  team?: string;
  risk_level?: string;
  compliance_status?: string;
  owner?: string;
  domain?: string;
  /** Any part of the name (three characters or more; shorter texts match the start). */
  q?: string;
  /** By name: `asc` (default) or `desc`. */
  order?: 'asc' | 'desc';
}

/**
 * One rule of a policy set. The contract leaves a policy document open (`{[key]: unknown}`, its rules are
 * validated by the policy engine); the fields the forms read are named here.
 */
export interface PolicyRule {
  id: string;
  kind: string;
  article: string;
  description: string;
  risk_levels: RiskLevel[];
  transitions: ComplianceStatus[];
  fields?: string[];
  metric?: string;
  min?: number | null;
  max?: number | null;
  when_missing?: string;
  any_of?: string[];
  max_age_days?: number;
  metrics?: string[] | null;
}

/** `GET /policies/active`: the policy set the hub enforces now, its document's rules as the forms read them. */
export type ActivePolicy = Omit<Schemas['PolicyVersionOut'], 'document'> & { document: { name?: string; rules: PolicyRule[] } };

/** Evidence documents of a model (docs/evidence.md). */
export type Evidence = Schemas['EvidenceOut'];
export type EvidenceKind = Evidence['kind'];
export type EvidenceStatus = Evidence['status'];
export type EvidenceCreate = Schemas['EvidenceCreate'];
export type EvidenceUpload = Schemas['EvidenceUploadOut'];
export type EvidenceDownload = Schemas['DownloadOut'];
/** Framework coverage of a model and the ISO/IEC 42001 statement of applicability (docs/frameworks.md). */
export type FrameworkCoverage = Schemas['FrameworkCoverageOut'];
export type ControlCoverage = Schemas['ControlCoverageOut'];
export type StatementOfApplicability = Schemas['ApplicabilityOut'];
export type FrameworkId = 'eu-ai-act' | 'iso42001' | 'nist-ai-rmf';
export const EVIDENCE_KINDS: EvidenceKind[] = [
  'risk_management_procedure', 'instructions_for_use', 'declaration_of_conformity', 'fria', 'test_report', 'data_sheet', 'other',
];
/** Post-market monitoring (Art. 72): the plan, production observations, findings, periodic reviews. */
export type MonitoringPlan = Schemas['MonitoringPlanOut'];
export type MonitoringPlanInput = Schemas['MonitoringPlanIn'];
export type PlannedMetric = Schemas['PlannedMetricOut'];
export type Observation = Schemas['ObservationOut'];
export type Finding = Schemas['FindingOut'];
export type Review = Schemas['ReviewOut'];
export type ReviewInput = Schemas['ReviewIn'];
export type ReviewSchedule = Schemas['ReviewScheduleOut'];
export type ReviewPage = Schemas['ReviewPage'];
/** Serious incidents (Art. 73): the register with its reporting clock. */
export type Incident = Schemas['IncidentOut'];
export type IncidentInput = Schemas['IncidentIn'];
export type IncidentStepInput = Schemas['IncidentStep'];
export type IncidentStatus = Incident['status'];
export const INCIDENT_STATUSES = everyValueOf<IncidentStatus>()(['open', 'initial_report_sent', 'final_report_sent', 'closed']);
