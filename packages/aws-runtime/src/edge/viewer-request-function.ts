import { fileURLToPath } from "node:url";

/**
 * The viewer-request CloudFront Function's code, shipped as is: the CDK reads this file with
 * `FunctionCode.fromFile` (runtime cloudfront-js-2.0, with the route table's KeyValueStore
 * associated). Plain JavaScript, never bundled or transpiled, so what the tests run is what
 * CloudFront runs.
 */
export const VIEWER_REQUEST_FUNCTION_PATH = fileURLToPath(new URL("./viewer-request.js", import.meta.url));

/** CloudFront refuses function code larger than this (bytes). */
export const FUNCTION_CODE_LIMIT = 10 * 1024;
