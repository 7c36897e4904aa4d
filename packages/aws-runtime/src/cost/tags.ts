/**
 * The tag on every resource of a site (its value: the project's id): the Deployer's functions and
 * log groups, the canary alarms, the custom domains' tenants (the stack's IAM scopes tenant writes by it).
 */
export const SITE_TAG = "slipway:site";
/** The tag the CDK stack puts on every resource it creates (its value: the stack's name). */
export const STACK_TAG = "slipway:stack";
/** The cost allocation tags the daily refresh activates (Cost Explorer groups and filters by them). */
export const COST_ALLOCATION_TAGS = [SITE_TAG, STACK_TAG] as const;
