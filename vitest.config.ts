import { defineConfig } from "vitest/config";

// Unit and contract tests run in parallel; end-to-end tests share real builds (next build +
// OpenNext take ~30 s each on two cores), so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: "integration",
          globalSetup: ["apps/cli/build.mjs"],
          include: ["packages/*/src/**/*.integration.test.ts", "apps/*/src/**/*.integration.test.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: "e2e",
          globalSetup: ["apps/cli/build.mjs"],
          include: ["tests/e2e/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
