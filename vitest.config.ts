import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  // The store's tests run against PostgreSQL as well as SQLite; the setup brings a local one up when needed.
  test: { include: ['tests/*.test.ts'], testTimeout: 60_000, globalSetup: ['tests/postgres-setup.ts'] },
});
