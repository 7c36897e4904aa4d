import { fixtureArtifact } from "@slipway/runtime/test-support";

const t = performance.now();
console.log(await fixtureArtifact(), Math.round(performance.now() - t), "ms");
