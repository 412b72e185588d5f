import { ActionIcon, AppShell, Avatar, Box, Burger, Button, Group, NavLink, Stack, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconChartPie, IconCube, IconDatabase, IconFileSearch, IconListCheck, IconListDetails, IconLogout, IconUsersGroup } from '@tabler/icons-react';
import { Suspense, type MouseEvent } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { RoleBadge } from './Badges';
import { Logo } from './Logo';
import { LoadingState } from './States';

const NAV = [
  { to: '/dashboard', label: 'Dashboard', icon: IconChartPie },
  { to: '/models', label: 'Models', icon: IconCube },
  { to: '/datasets', label: 'Datasets', icon: IconDatabase },
  { to: '/audit', label: 'Audit log', icon: IconListDetails },
  { to: '/access', label: 'Report access', icon: IconFileSearch },
  { to: '/incidents', label: 'Incidents', icon: IconAlertTriangle },
  { to: '/teams', label: 'Teams', icon: IconUsersGroup },
  { to: '/frameworks', label: 'Frameworks', icon: IconListCheck },
];

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { session, signOut } = useAuth();
  const location = useLocation();

  return (
    <>
    <a href="#main" className="skip-link" onClick={skipToMain}>
      Skip to main content
    </a>
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Main navigation" aria-expanded={opened} />
            <Link to="/models" style={{ color: 'inherit', textDecoration: 'none' }} aria-label="AI Governance Hub home">
              <Logo />
            </Link>
          </Group>
          {session && (
            <Group gap="sm" wrap="nowrap" aria-label="Signed-in user" role="group">
              <Avatar size={32} radius="xl" color="indigo" aria-hidden visibleFrom="sm">
                {session.username.slice(0, 2).toUpperCase()}
              </Avatar>
              <Box visibleFrom="xs">
                <Text size="sm" fw={600} lh={1.2} data-testid="current-user">
                  {session.username}
                </Text>
              </Box>
              <RoleBadge role={session.role} data-testid="current-role" />
              <Button
                variant="subtle"
                color="gray"
                size="compact-sm"
                leftSection={<IconLogout size={16} />}
                onClick={signOut}
                visibleFrom="sm"
              >
                Sign out
              </Button>
              <Tooltip label="Sign out">
                <ActionIcon variant="subtle" color="gray" onClick={signOut} aria-label="Sign out" hiddenFrom="sm">
                  <IconLogout size={18} />
                </ActionIcon>
              </Tooltip>
            </Group>
          )}
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <Stack gap={4}>
          {NAV.map(({ to, label, icon: Icon }) => (
            <NavLink
              key={to}
              component={Link}
              to={to}
              label={label}
              leftSection={<Icon size={18} stroke={1.6} />}
              active={location.pathname === to || location.pathname.startsWith(`${to}/`)}
              onClick={close}
              variant="light"
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
            />
          ))}
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main bg="var(--mantine-color-gray-0)" id="main" tabIndex={-1}>
        <Box maw={1280} mx="auto">
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </Box>
      </AppShell.Main>
    </AppShell>
    </>
  );
}

/** Moves focus past the header and navigation, without the hash reaching the router. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>) {
  event.preventDefault();
  const target = document.getElementById('page-title') ?? document.getElementById('main');
  target?.focus();
}
