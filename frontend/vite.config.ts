/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API, the runtime config and the local Cognito endpoint to a running
// local stack (make dev), so the dev server and the built app talk to the same backend.
const stack = process.env.GOVHUB_STACK_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: false,
    // recharts is large but only loaded with the first chart (React.lazy), never at start.
    chunkSizeWarningLimit: 700,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': stack,
      '/config.json': stack,
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    restoreMocks: true,
    // Component tests drive real Mantine UI through user-event; a busy 2-core CI machine needs headroom.
    testTimeout: 30_000,
  },
});
