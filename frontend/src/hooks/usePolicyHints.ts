import { useApi } from '../api/ApiContext';
import type { ActivePolicy, RiskLevel } from '../api/types';
import { policyHints, type PolicyHints } from '../lib/policyHints';
import { useAsync } from './useAsync';

/** What the active policy asks of a model at `risk` (empty until the policy loads, or if it cannot be read). */
export function usePolicyHints(risk: RiskLevel): PolicyHints {
  const api = useApi();
  const policy = useAsync<ActivePolicy>((signal) => api.activePolicy(signal), []);
  return policyHints(policy.data, risk);
}
