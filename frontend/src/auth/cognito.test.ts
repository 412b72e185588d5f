import { describe, expect, it } from 'vitest';
import { fakeFetch, json, makeJwt } from '../test/helpers';
import { AuthError, CognitoPasswordAuth } from './cognito';

const ENDPOINT = 'http://127.0.0.1:4566/';

describe('CognitoPasswordAuth', () => {
  it('signs in with USER_PASSWORD_AUTH and keeps the tokens and expiry', async () => {
    const idToken = makeJwt({ 'cognito:username': 'demo-owner', 'cognito:groups': ['model_owner'] });
    const { fetch, requests } = fakeFetch({
      'POST /': json(200, {
        AuthenticationResult: { IdToken: idToken, AccessToken: 'access', RefreshToken: 'refresh', ExpiresIn: 3600 },
      }),
    });
    const auth = new CognitoPasswordAuth(ENDPOINT, 'client-123', fetch, () => 1_000_000);
    const tokens = await auth.signIn('demo-owner', 'S3cret!pass');
    expect(requests[0].headers['X-Amz-Target']).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
    expect(requests[0].headers['Content-Type']).toBe('application/x-amz-json-1.1');
    expect(requests[0].body).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'client-123',
      AuthParameters: { USERNAME: 'demo-owner', PASSWORD: 'S3cret!pass' },
    });
    expect(tokens).toEqual({ idToken, accessToken: 'access', refreshToken: 'refresh', expiresAt: 1_000_000 + 3_600_000 });
  });

  it('says "Incorrect username or password." for NotAuthorizedException', async () => {
    const { fetch } = fakeFetch({
      'POST /': json(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }),
    });
    const auth = new CognitoPasswordAuth(ENDPOINT, 'client-123', fetch);
    const error = (await auth.signIn('demo-owner', 'wrong').catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('NotAuthorizedException');
    expect(error.message).toBe('Incorrect username or password.');
  });

  it('refreshes with REFRESH_TOKEN_AUTH and keeps the refresh token it already had', async () => {
    const idToken = makeJwt({ 'cognito:username': 'demo-owner' });
    const { fetch, requests } = fakeFetch({
      'POST /': json(200, { AuthenticationResult: { IdToken: idToken, AccessToken: 'a2', ExpiresIn: 60 } }),
    });
    const auth = new CognitoPasswordAuth(ENDPOINT, 'client-123', fetch, () => 0);
    const tokens = await auth.refresh('refresh-1');
    expect(requests[0].body).toEqual({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: 'client-123',
      AuthParameters: { REFRESH_TOKEN: 'refresh-1' },
    });
    expect(tokens.refreshToken).toBe('refresh-1');
    expect(tokens.expiresAt).toBe(60_000);
  });

  it('explains a required password change instead of failing silently', async () => {
    const { fetch } = fakeFetch({ 'POST /': json(200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' }) });
    const auth = new CognitoPasswordAuth(ENDPOINT, 'client-123', fetch);
    await expect(auth.signIn('new-user', 'Temp#1234')).rejects.toThrow(/must set a new password/);
  });
});
