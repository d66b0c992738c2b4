import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@threadline\/sdk\/(agent|protocol|setup|qr|seal)$/, replacement: path('sdk/src/$1.ts') },
      { find: /^@threadline\/sdk$/, replacement: path('sdk/src/index.ts') },
      { find: /^@threadline\/server$/, replacement: path('server/src/index.ts') },
    ],
  },
  esbuild: { target: 'es2022' },
  test: {
    include: ['{sdk,widget,server,console,demo-site}/src/**/*.test.ts', 'tests/hostile/**/*.test.ts'],
    environment: 'node',
    // Some tests are CPU-bound by design (PBKDF2 at 600,000 iterations, 5,200 SHA-512 rounds per
    // safety number, scrypt): seconds each on a loaded 2-core machine, so 5 s is too tight.
    testTimeout: 20_000,
  },
});
