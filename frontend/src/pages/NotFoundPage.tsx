import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState } from '../components/States';

export default function NotFoundPage() {
  return (
    <EmptyState title="Page not found" icon="?">
      There is nothing at this address. Go to the{' '}
      <Anchor component={Link} to="/models">
        model registry
      </Anchor>
      .
    </EmptyState>
  );
}
