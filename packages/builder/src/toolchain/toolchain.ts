import os from "node:os";
import path from "node:path";
import type { NodeVersion } from "@slipway/core";
import { ensureNode, type NodeRuntime } from "./node-toolchain.ts";
import { ensureSharp } from "./sharp-toolchain.ts";

/** The pinned runtimes and packages builds and functions share, installed once per data dir. */
export interface Toolchain {
  readonly dir: string;
  node(major: NodeVersion): Promise<NodeRuntime>;
  /** The `node_modules` folder holding sharp, loadable by `node`. */
  sharp(node: NodeRuntime): Promise<string>;
}

/**
 * The toolchain in `dir`. Installs run on the host with the platform's npm (never user code) and
 * `extraEnv` (a registry mirror or proxy); one install per part and process at a time, and
 * `installOnce` keeps concurrent processes from tripping over each other.
 */
export function createToolchain(dir: string, extraEnv: Record<string, string> = {}): Toolchain {
  const env: Record<string, string> = {
    PATH: [path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
    // The platform user's npm cache: a second data dir on the machine installs without the network.
    HOME: os.homedir(),
    LANG: "C.UTF-8",
    npm_config_update_notifier: "false",
    ...extraEnv,
  };
  const pending = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let promise = pending.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = make();
      pending.set(key, promise);
      // A failed install is retried by the next build, not remembered.
      promise.catch(() => pending.delete(key));
    }
    return promise;
  };
  return {
    dir,
    node: (major) => once(`node-${major}`, () => ensureNode(dir, major, env)),
    sharp: (node) => once("sharp", () => ensureSharp(dir, node, env)),
  };
}
