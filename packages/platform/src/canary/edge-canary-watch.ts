import type { CanaryWatch } from "@slipway/core";

/**
 * The local target's CanaryWatch. Unlike AWS (one CloudWatch alarm made and deleted per
 * canary), there is nothing to make or remove: the edge of `slipway up` counts the server errors
 * of whichever deployment the production alias names as its canary (canary-error-watch.ts). The
 * alias is the watch's only state, so a watch step run by a `slipway worker` or lost to a
 * restart changes nothing. Being present is what lets `promote --canary` through on this target.
 */
export const edgeCanaryWatch: CanaryWatch = {
  name: "local-edge",
  async watch() {},
  async unwatch() {},
};
