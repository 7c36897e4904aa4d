// Helpers for tests and benchmarks outside this package (`@slipway/builder/test-support`).
export { FIXTURES, fixtureRepo, openNextConfig, REPO_ROOT, repoWith } from "./fixture-repo.ts";
