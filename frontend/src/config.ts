/** Runtime configuration, fetched from `/config.json` so one build serves every environment. */
export type AuthMode = 'local' | 'hosted';

export interface RuntimeConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  authMode: AuthMode;
  cognitoEndpoint?: string;
  hostedUiDomain?: string;
}

export class ConfigError extends Error {}

function requireString(raw: Record<string, unknown>, key: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`config.json is missing "${key}"`);
  }
  return value;
}

export function parseConfig(raw: unknown): RuntimeConfig {
  if (typeof raw !== 'object' || raw === null) {
    throw new ConfigError('config.json is not a JSON object');
  }
  const obj = raw as Record<string, unknown>;
  const authMode = obj.authMode ?? 'local';
  if (authMode !== 'local' && authMode !== 'hosted') {
    throw new ConfigError(`config.json has an unknown authMode "${String(authMode)}"`);
  }
  const region = requireString(obj, 'region');
  const config: RuntimeConfig = {
    apiUrl: requireString(obj, 'apiUrl').replace(/\/+$/, ''),
    region,
    userPoolId: requireString(obj, 'userPoolId'),
    clientId: requireString(obj, 'clientId'),
    authMode,
    cognitoEndpoint:
      typeof obj.cognitoEndpoint === 'string' && obj.cognitoEndpoint
        ? obj.cognitoEndpoint
        : `https://cognito-idp.${region}.amazonaws.com/`,
    hostedUiDomain: typeof obj.hostedUiDomain === 'string' ? obj.hostedUiDomain : undefined,
  };
  if (authMode === 'hosted' && !config.hostedUiDomain) {
    throw new ConfigError('config.json sets authMode "hosted" but no "hostedUiDomain"');
  }
  return config;
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  let response: Response;
  try {
    // No cache override, so the response preloaded by index.html is reused; serve it with `Cache-Control: no-cache`.
    response = await fetchImpl('/config.json');
  } catch {
    throw new ConfigError('The configuration file /config.json could not be reached.');
  }
  if (!response.ok) {
    throw new ConfigError(`The configuration file /config.json answered ${response.status}.`);
  }
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError('The configuration file /config.json is not valid JSON.');
  }
  return parseConfig(raw);
}
