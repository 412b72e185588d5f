import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { LogoMark } from '../components/Logo';
import { useDocumentTitle } from '../components/PageHeader';
import { errorMessage } from '../lib/format';

export default function SignInPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/models';
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle('Sign in');

  if (auth.session) {
    return <Navigate to={from} replace />;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await auth.signInWithPassword(username.trim(), password);
      navigate(from, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  async function onHosted() {
    setBusy(true);
    setError(null);
    try {
      await auth.beginHostedSignIn(from);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" bg="var(--mantine-color-gray-0)" p="md">
      <Paper p="xl" w={400} maw="100%" shadow="sm" component="main">
        <Stack gap="lg">
          <Stack gap={6} align="center" ta="center">
            <LogoMark size={44} />
            <Title order={1} fz={22}>
              AI Governance Hub
            </Title>
            <Text c="dimmed" size="sm">
              Sign in to manage your AI model registry, risk profiles and compliance.
            </Text>
          </Stack>
          {auth.lastSignOutReason === 'expired' && !error && (
            <Alert color="yellow" variant="light" role="status">
              Your session has expired. Sign in again to continue.
            </Alert>
          )}
          {error && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert" title="Sign-in failed">
              {error}
            </Alert>
          )}
          {auth.mode === 'hosted' ? (
            <Button size="md" onClick={onHosted} loading={busy}>
              Sign in with your organisation account
            </Button>
          ) : (
            <form onSubmit={onSubmit} noValidate aria-label="Sign in">
              <Stack gap="md">
                <TextInput
                  label="Username"
                  autoComplete="username"
                  value={username}
                  onChange={(e) => setUsername(e.currentTarget.value)}
                  required
                  data-autofocus
                  autoFocus
                />
                <PasswordInput
                  label="Password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  required
                />
                <Button type="submit" size="md" loading={busy} fullWidth>
                  Sign in
                </Button>
              </Stack>
            </form>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
