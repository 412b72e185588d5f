/** Shapes of the API v1 contract (docs/api.md). */
export const RISK_LEVELS = ['minimal', 'limited', 'high', 'unacceptable'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const STATUSES = ['draft', 'under_review', 'approved', 'retired'] as const;
export type ComplianceStatus = (typeof STATUSES)[number];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Signoff {
  by: string;
  role: string;
  at: string;
  reason: string;
  version_id: number | null;
}

/** Why the last approval stopped being in force: a governed field changed after it was sealed. */
export interface ApprovalInvalidation {
  at: string;
  by: string;
  fields: string[];
  snapshot_sha256: string;
}

/** The model's approval: sign-offs of the current review round, and the sealed snapshot in force. */
export interface ApprovalState {
  required_signoffs: number;
  signoffs: Signoff[];
  snapshot_sha256: string | null;
  sealed_at: string | null;
  policy_version: number | null;
  invalidated: ApprovalInvalidation | null;
}

/** `GET /models/{id}/approval`: what was approved (the latest sealed snapshot) and whether it is in force. */
export interface ApprovalRecord {
  model_id: number;
  compliance_status: ComplianceStatus;
  in_force: boolean;
  required_signoffs: number;
  signoffs: Signoff[];
  invalidated: ApprovalInvalidation | null;
  sealed: { snapshot_sha256: string; sha256_verified: boolean; sealed_at: string; snapshot: Record<string, unknown> } | null;
}

export interface Team {
  slug: string;
  display_name: string;
  revision: number;
}

export interface Model {
  id: number;
  name: string;
  owner: string;
  team?: string | null;
  description?: string | null;
  domain?: string | null;
  risk_level: RiskLevel;
  risk_justification?: string | null;
  compliance_status: ComplianceStatus;
  intended_purpose?: string | null;
  data_sources?: string | null;
  oversight_plan?: string | null;
  allowed_transitions: ComplianceStatus[];
  latest_version: { id: number; version_tag: string } | null;
  approved_version_id: number | null;
  approved_by?: string | null;
  submitted_by?: string | null;
  approval?: ApprovalState;
  revision: number;
  created_at: string;
  created_by?: string | null;
  updated_at: string;
  updated_by?: string | null;
  last_change_reason?: string | null;
  /** Where the model was imported from (MLflow, SageMaker Model Registry); null for models registered here. */
  external_ref?: { system: 'mlflow' | 'sagemaker'; name: string } | null;
}

export interface ModelCreate {
  name: string;
  owner: string;
  team?: string;
  description?: string;
  domain?: string;
  risk_level?: RiskLevel;
  risk_justification?: string;
  intended_purpose?: string;
  data_sources?: string;
  oversight_plan?: string;
}

export type ModelProfileUpdate = Partial<
  Pick<Model, 'name' | 'owner' | 'description' | 'domain' | 'intended_purpose' | 'data_sources' | 'oversight_plan'>
> & { expected_revision?: number; reason?: string };

export interface Version {
  id: number;
  model_id: number;
  version_tag: string;
  s3_path: string;
  sha256?: string | null;
  description?: string | null;
  revision: number;
  created_at: string;
  created_by?: string | null;
}

export interface VersionCreate {
  model_id: number;
  version_tag: string;
  s3_path: string;
  sha256?: string;
  description?: string;
}

export interface Metric {
  id: number;
  version_id: number;
  model_id: number;
  metric_name: string;
  value: number;
  recorded_at: string;
  created_by?: string | null;
}

export interface DashboardStats {
  total: number;
  by_risk_level: Partial<Record<RiskLevel, number>>;
  by_status: Partial<Record<ComplianceStatus, number>>;
  matrix: Partial<Record<RiskLevel, Partial<Record<ComplianceStatus, number>>>>;
}

export interface AuditActor {
  username: string;
  role?: string | null;
}

export const AUDIT_ACTIONS = ['create', 'update', 'status_change', 'risk_change', 'delete', 'report_generated', 'approval_sealed'] as const;
export const AUDIT_ENTITIES = ['model', 'version', 'metric', 'report', 'policy', 'approval', 'team'] as const;

export interface FieldChange {
  before?: unknown;
  after?: unknown;
}

export interface AuditRecord {
  model_id: number;
  sequence: number;
  time: string;
  actor: AuditActor;
  action: string;
  entity?: string | null;
  entity_id?: number | string | null;
  reason?: string | null;
  hash?: string;
  prev_hash?: string | null;
  changes?: Record<string, FieldChange> | null;
  /** What a pipeline said about its run (repository, run id, commit): recorded as claimed, never verified. */
  claimed_context?: Record<string, string> | null;
}

export interface ChainBreak {
  sequence?: number;
  problem?: string;
  detail?: string;
}

export interface AuditVerification {
  intact: boolean;
  records: number;
  head_hash: string | null;
  first_break: null | ChainBreak;
}

export interface ComplianceReportLink {
  url: string;
  expires_at: string;
  sha256: string;
  size_bytes: number;
}

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
  q?: string;
}

/** One rule a policy engine found broken (409/422 `details.failed_rules`). */
export interface FailedRule {
  rule: string;
  reason: string;
  article?: string;
}

export type CheckStatus = 'pass' | 'fail' | 'not_applicable';

export interface ComplianceCheckItem {
  rule_id: string;
  kind: string;
  status: CheckStatus;
  reason: string;
  article: string;
  description?: string | null;
  evidence?: Record<string, unknown>;
}

/** `GET /models/{id}/compliance-check`: the active policy's checklist for the next transition. */
export interface ComplianceCheck {
  model_id: number;
  target: ComplianceStatus | null;
  /** `transition`: the checks of the next step; `monitoring`: an approved model re-checked against the policy. */
  occasion?: 'transition' | 'monitoring' | null;
  outcome: 'pass' | 'fail' | 'none';
  policy_version: number;
  policy_name: string;
  evaluated_at: string;
  summary: Record<string, number>;
  items: ComplianceCheckItem[];
}

/** What covers an obligation: a policy rule's result or a feature of the hub, and whether it is there. */
export interface Coverage {
  source: string;
  ref: string;
  satisfied: boolean;
  detail: string;
}

export interface Obligation {
  article: string;
  title: string;
  summary: string;
  mandatory: boolean;
  status: 'met' | 'partial' | 'open' | 'manual';
  covered_by?: Coverage[];
  /** What is left to the provider, outside the hub. */
  manual?: string | null;
}

/** `GET /models/{id}/obligations`: the EU AI Act obligations of the model's risk level. */
export interface Obligations {
  model_id: number;
  risk_level: RiskLevel;
  policy_version: number;
  summary: Record<string, number>;
  items: Obligation[];
}
