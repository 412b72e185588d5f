import { Alert, Anchor, Center, Stack } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { LoadingState } from '../components/States';
import { errorMessage } from '../lib/format';

/** Landing route of the hosted UI: exchanges `?code=` for tokens, then goes where the user was headed. */
export default function CallbackPage() {
  const { completeHostedSignIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // The authorization code is single-use: StrictMode's double effect must not spend it twice.
    if (started.current) return;
    started.current = true;
    completeHostedSignIn(window.location.search)
      .then((returnTo) => navigate(returnTo, { replace: true }))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [completeHostedSignIn, navigate]);

  return (
    <Center mih="100vh" p="md">
      {error ? (
        <Alert color="red" title="Sign-in could not be completed" role="alert" maw={480}>
          <Stack gap="xs">
            {error}
            <Anchor component={Link} to="/signin">
              Back to sign-in
            </Anchor>
          </Stack>
        </Alert>
      ) : (
        <LoadingState label="Completing sign-in…" />
      )}
    </Center>
  );
}
