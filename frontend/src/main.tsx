import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './global.css';
import { Alert, Center, Code, MantineProvider, Stack, Text } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiClient } from './api/client';
import { GovernanceApi } from './api/endpoints';
import { App } from './App';
import { createAuthServices } from './auth/AuthContext';
import { loadConfig } from './config';
import { cssVariablesResolver, theme } from './theme';

const root = createRoot(document.getElementById('root') as HTMLElement);

function ConfigErrorScreen({ message }: { message: string }) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Center mih="100vh" p="md">
        <Alert color="red" title="AI Governance Hub cannot start" maw={560} role="alert">
          <Stack gap="xs">
            <Text size="sm">{message}</Text>
            <Text size="sm">
              The server must serve <Code>/config.json</Code> with <Code>apiUrl</Code>, <Code>region</Code>,{' '}
              <Code>userPoolId</Code>, <Code>clientId</Code> and <Code>authMode</Code>.
            </Text>
          </Stack>
        </Alert>
      </Center>
    </MantineProvider>
  );
}

// Until the first render, index.html's loading shell stays on screen (painted before any script ran).
async function boot(): Promise<void> {
  try {
    const config = await loadConfig();
    const auth = createAuthServices(config);
    // A link opened in a new tab: another open tab may hand over its session before any route decides.
    await auth.manager.ready;
    const api = new GovernanceApi(new ApiClient(config.apiUrl, auth.manager));
    root.render(
      <StrictMode>
        <App config={config} auth={auth} api={api} />
      </StrictMode>,
    );
  } catch (error) {
    root.render(<ConfigErrorScreen message={error instanceof Error ? error.message : String(error)} />);
  }
}

void boot();
