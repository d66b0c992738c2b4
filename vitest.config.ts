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
  },
});
