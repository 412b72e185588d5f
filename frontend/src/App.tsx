import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiProvider } from './api/ApiContext';
import type { GovernanceApi } from './api/endpoints';
import { AuthProvider, type AuthServices } from './auth/AuthContext';
import { AppLayout } from './components/AppLayout';
import { RequireAuth } from './components/RequireAuth';
import { LoadingState } from './components/States';
import type { RuntimeConfig } from './config';
import { cssVariablesResolver, theme } from './theme';

const SignInPage = lazy(() => import('./pages/SignInPage'));
const CallbackPage = lazy(() => import('./pages/CallbackPage'));
const ModelsPage = lazy(() => import('./pages/ModelsPage'));
const ModelDetailPage = lazy(() => import('./pages/ModelDetailPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const AuditLogPage = lazy(() => import('./pages/AuditLogPage'));
const TeamsPage = lazy(() => import('./pages/TeamsPage'));
const AccessLogPage = lazy(() => import('./pages/AccessLogPage'));
const FrameworksPage = lazy(() => import('./pages/FrameworksPage'));
const IncidentsPage = lazy(() => import('./pages/IncidentsPage'));
const DatasetsPage = lazy(() => import('./pages/DatasetsPage'));
const DatasetDetailPage = lazy(() => import('./pages/DatasetDetailPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

export function AppRoutes() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Routes>
        <Route path="/signin" element={<SignInPage />} />
        <Route path="/callback" element={<CallbackPage />} />
        <Route
          element={
            <RequireAuth>
              <AppLayout />
            </RequireAuth>
          }
        >
          <Route index element={<Navigate to="/models" replace />} />
          <Route path="/models" element={<ModelsPage />} />
          <Route path="/models/:id" element={<ModelDetailPage />} />
          <Route path="/dashboard" element={<DashboardPage />} />
          <Route path="/audit" element={<AuditLogPage />} />
          <Route path="/access" element={<AccessLogPage />} />
          <Route path="/teams" element={<TeamsPage />} />
          <Route path="/frameworks" element={<FrameworksPage />} />
          <Route path="/incidents" element={<IncidentsPage />} />
          <Route path="/datasets" element={<DatasetsPage />} />
          <Route path="/datasets/:id" element={<DatasetDetailPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

export function App({ config, auth, api }: { config: RuntimeConfig; auth: AuthServices; api: GovernanceApi }) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="top-right" />
      <AuthProvider services={auth} mode={config.authMode}>
        <ApiProvider api={api}>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </ApiProvider>
      </AuthProvider>
    </MantineProvider>
  );
}
