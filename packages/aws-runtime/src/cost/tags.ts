/** The tag the Deployer puts on every site function (its value: the project's id). */
export const SITE_TAG = "slipway:site";
/** The tag the CDK stack puts on every resource it creates (its value: the stack's name). */
export const STACK_TAG = "slipway:stack";
/** The cost allocation tags the daily refresh activates (Cost Explorer groups and filters by them). */
export const COST_ALLOCATION_TAGS = [SITE_TAG, STACK_TAG] as const;
