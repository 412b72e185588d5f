import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { AuthProvider } from '../auth/AuthContext';
import { CognitoPasswordAuth } from '../auth/cognito';
import { SessionManager } from '../auth/session';
import { fakeFetch, json, makeJwt } from '../test/helpers';
import SignInPage from './SignInPage';

function renderSignIn(cognitoAnswer: Response) {
  const { fetch, requests } = fakeFetch({ 'POST /': cognitoAnswer });
  const password = new CognitoPasswordAuth('http://127.0.0.1:4566/', 'client-1', fetch);
  const manager = new SessionManager(password, window.sessionStorage);
  render(
    <MantineProvider>
      <AuthProvider services={{ manager, password, hosted: null }} mode="local">
        <MemoryRouter initialEntries={['/signin']}>
          <Routes>
            <Route path="/signin" element={<SignInPage />} />
            <Route path="/models" element={<div>Model registry</div>} />
          </Routes>
        </MemoryRouter>
      </AuthProvider>
    </MantineProvider>,
  );
  return { requests, manager };
}

describe('SignInPage', () => {
  it('tells the user clearly when the password is wrong', async () => {
    renderSignIn(json(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }));
    await userEvent.type(screen.getByLabelText(/Username/), 'demo-owner');
    await userEvent.type(screen.getByLabelText(/Password/), 'not-the-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Sign-in failed');
    expect(alert).toHaveTextContent('Incorrect username or password.');
  });

  it('opens the model registry after a successful sign-in', async () => {
    const idToken = makeJwt({ 'cognito:username': 'demo-admin', 'cognito:groups': ['admin'] });
    const { manager } = renderSignIn(
      json(200, { AuthenticationResult: { IdToken: idToken, AccessToken: 'a', RefreshToken: 'r', ExpiresIn: 3600 } }),
    );
    await userEvent.type(screen.getByLabelText(/Username/), 'demo-admin');
    await userEvent.type(screen.getByLabelText(/Password/), 'correct-password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Model registry')).toBeInTheDocument();
    expect(manager.getSession()?.role).toBe('admin');
  });
});
