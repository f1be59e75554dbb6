import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests against the real sandbox engine (scripts/engine/up.sh must have run): slow, so one at a time.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: { include: ['tests/engine/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
});
