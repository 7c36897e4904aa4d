import { defineConfig } from "vitest/config";

// Three projects, run one after the other by `npm test`:
// - unit: unit and contract tests, hermetic (no network, no real builds) and fast, in parallel;
// - integration (`*.integration.test.ts`): real next builds (~30 s each on two cores), real
//   processes, the real CLI binary, one file at a time;
// - e2e: `slipway up` driven from outside, one file at a time.
// Integration and e2e spawn the CLI: their global setup bundles it from the current sources.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          globalSetup: ["tests/support/unit-scratch.ts"],
          setupFiles: ["tests/support/unit-tmpdir.ts"],
          include: [
            "packages/*/src/**/*.test.ts",
            "bench/**/*.test.ts",
            "apps/*/src/**/*.test.ts",
            "apps/dashboard/lib/**/*.test.ts",
            "apps/dashboard/app/**/*.test.tsx",
          ],
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
          globalSetup: ["apps/cli/build.mjs", "tests/e2e/support/scratch-root.ts"],
          include: ["tests/e2e/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
