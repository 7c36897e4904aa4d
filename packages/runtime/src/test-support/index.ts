// Helpers for tests and benchmarks outside this package (`@slipway/runtime/test-support`): an HTTP
// client that sends any Host header, an image decoder that reads only the size, the built fixture
// artifact and the edge + function host stack that serves it, a manifest for hand-made deployments.

export { FIXTURE_DEPLOYMENT_ID, fixtureArtifact } from "./fixture-artifact.ts";
export { type ClientResponse, request } from "./http-client.ts";
export { imageSize } from "./image-size.ts";
export { testManifest } from "./manifest.ts";
export { FIXTURE_PROJECT_ID, startStack } from "./stack.ts";
