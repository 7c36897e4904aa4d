// Helpers for tests outside this package (`@slipway/platform/test-support`).
export { type FakeGithub, type RecordedRequest, startFakeGithub } from "./fake-github.ts";
