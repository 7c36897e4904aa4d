import { createManifestCache, functionDirOf } from "../deployment-files.ts";
import { type AssetIndex, buildAssetIndex } from "./asset-index.ts";
import { loadMiddlewareMatcher, type MiddlewareMatcher } from "./cache/middleware-matcher.ts";
import { type FunctionRoutes, functionRoutesOf } from "./function-route.ts";

export interface DeploymentView {
  readonly assets: AssetIndex;
  /** Which function serves which path (see function-route.ts). */
  readonly functions: FunctionRoutes;
  /** Paths the deployment's middleware runs on: never answered from the edge cache. */
  readonly middleware: MiddlewareMatcher;
}

/**
 * Per-deployment state the hot path needs, built once and kept in memory (deployments are
 * immutable). A deployment whose files are gone resolves to null and is not cached.
 */
export function createDeploymentCache(deploymentsDir: string) {
  const manifests = createManifestCache(deploymentsDir);
  const views = new Map<string, DeploymentView>();
  const loading = new Map<string, Promise<DeploymentView | null>>();

  async function load(deploymentId: string): Promise<DeploymentView | null> {
    try {
      const manifest = await manifests.load(deploymentId);
      const root = manifests.rootOf(deploymentId);
      const [assets, middleware] = await Promise.all([
        buildAssetIndex(root, manifest),
        loadMiddlewareMatcher(functionDirOf(root, manifest.server)),
      ]);
      const view = { assets, functions: functionRoutesOf(manifest), middleware };
      views.set(deploymentId, view);
      return view;
    } catch {
      return null;
    } finally {
      loading.delete(deploymentId);
    }
  }

  return {
    /** Synchronous when warm, so the common case costs no promise hop. */
    peek(deploymentId: string): DeploymentView | undefined {
      return views.get(deploymentId);
    },
    get(deploymentId: string): Promise<DeploymentView | null> {
      const view = views.get(deploymentId);
      if (view) return Promise.resolve(view);
      let pending = loading.get(deploymentId);
      if (!pending) {
        pending = load(deploymentId);
        loading.set(deploymentId, pending);
      }
      return pending;
    },
    forget(deploymentId: string): void {
      views.delete(deploymentId);
      manifests.forget(deploymentId);
    },
  };
}
