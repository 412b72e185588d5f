import { Badge, Loader, Tooltip } from '@mantine/core';
import { IconShieldCheck, IconShieldX } from '@tabler/icons-react';
import { ApiError } from '../../api/client';
import type { AuditVerification } from '../../api/types';

/** Result of re-hashing a model's audit chain: intact, broken (where), or not available. */
export function ChainBadge({ verification, loading, error }: { verification?: AuditVerification; loading: boolean; error: unknown }) {
  if (loading) {
    return (
      <Badge variant="light" color="gray" leftSection={<Loader size={10} color="gray" />}>
        Verifying chain…
      </Badge>
    );
  }
  if (error || !verification) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <Badge variant="outline" color="gray">
        {missing ? 'Chain verification not available' : 'Chain could not be verified'}
      </Badge>
    );
  }
  if (verification.intact) {
    return (
      <Tooltip label={verification.head_hash ? `Head hash ${verification.head_hash}` : 'No records yet'} multiline w={320} style={{ wordBreak: 'break-all' }}>
        <Badge color="green" variant="light" leftSection={<IconShieldCheck size={14} />} data-testid="chain-badge">
          Chain intact · {verification.records} {verification.records === 1 ? 'record' : 'records'}
        </Badge>
      </Tooltip>
    );
  }
  const at = verification.first_break?.sequence;
  return (
    <Tooltip
      label={[verification.first_break?.problem, verification.first_break?.detail].filter(Boolean).join(': ') || 'A record does not match its hash chain'}
      multiline
      w={320}
    >
      <Badge color="red" variant="filled" leftSection={<IconShieldX size={14} />} data-testid="chain-badge">
        Chain broken{at !== undefined ? ` at record #${at}` : ''}
      </Badge>
    </Tooltip>
  );
}
