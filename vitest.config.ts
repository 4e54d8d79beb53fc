import { defineConfig } from "vitest/config";

/**
 * Two projects. `unit` is the default `npm test`: everything that runs in one process against
 * real temp repos and loopback doubles, kept under 4 minutes on 2 cores. `system` holds the
 * process-level, install and browser tests (files named `*.system.test.ts`): real OS processes
 * racing, the installed bin/, headless Chromium. CI runs both (`npm run test:all`).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/**/*.system.test.ts"] } },
      { extends: true, test: { name: "system", include: ["test/**/*.system.test.ts"] } },
    ],
  },
});
