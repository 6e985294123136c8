import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { root: '/work/main', include: ['server/test/live-*.test.ts'], globalSetup: ['server/test/global-setup.ts'], setupFiles: ['server/test/zz-trace-setup.ts'], testTimeout: 60000, hookTimeout: 180000 } });
