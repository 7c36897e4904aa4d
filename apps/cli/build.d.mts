/** Bundles the CLI into apps/cli/dist (see build.mjs). */
export declare function buildCli(): Promise<void>;
export declare const setup: typeof buildCli;
