// Helpers for tests outside this package (`@slipway/runtime/test-support`): an HTTP client that
// sends any Host header, and an image decoder that reads only the size.
export { type ClientResponse, request } from "./http-client.ts";
export { imageSize } from "./image-size.ts";
