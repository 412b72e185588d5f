import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { ChainBadge } from './ChainBadge';

const wrap = (ui: React.ReactNode) => render(<MantineProvider>{ui}</MantineProvider>);

describe('ChainBadge', () => {
  it('says the chain is intact with its record count', () => {
    wrap(<ChainBadge loading={false} error={undefined} verification={{ intact: true, records: 5, head_hash: 'ab', first_break: null, mode: 'full' }} />);
    expect(screen.getByText('Chain intact · 5 records')).toBeInTheDocument();
  });

  it('names the first broken record', () => {
    wrap(
      <ChainBadge
        loading={false}
        error={undefined}
        verification={{ intact: false, records: 5, head_hash: 'ab', first_break: { sequence: 3, problem: 'modified', detail: 'hash mismatch' }, mode: 'full' }}
      />,
    );
    expect(screen.getByText('Chain broken at record #3')).toBeInTheDocument();
  });

  it('stays quiet when the deployment has no verification route', () => {
    wrap(<ChainBadge loading={false} error={new ApiError(404, 'not_found', 'Not found')} />);
    expect(screen.getByText('Chain verification not available')).toBeInTheDocument();
  });
});
