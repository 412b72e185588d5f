import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';
import { EmptyState } from '../components/States';

export default function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="Nothing at this address" icon="?">
        The page may have moved. Go to the{' '}
        <Anchor component={Link} to="/models">
          model registry
        </Anchor>
        .
      </EmptyState>
    </>
  );
}
