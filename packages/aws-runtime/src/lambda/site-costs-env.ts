/**
 * Set by the stack on the API and the steps functions: the stack's name, the value of the
 * `slipway:stack` tag on everything it created. Its presence also says the stack runs the daily
 * cost refresh, so the API serves the cost route only then.
 */
export const SITE_COSTS_ENV = { stackName: "SLIPWAY_STACK_NAME" } as const;
