import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Cells behind HAProxy: real course servers (the built site), the course's engine and PostgreSQL.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: { include: ['tests/cells/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
