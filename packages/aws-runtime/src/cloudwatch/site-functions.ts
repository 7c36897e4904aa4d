import { type SiteFunctionKey, type SiteFunctionKind, siteFunctionName } from "../deployer/names.ts";
import { MAX_EDGE_ROUTES } from "../edge/route-encoding.ts";

/** One function a deployment of the site may have, by the name the Deployer gives it. */
export interface OwnedFunction {
  readonly name: string;
  readonly deploymentId: string;
  readonly kind: SiteFunctionKind;
  /** What its name ends with (`-server`, `-image`, `-edge3`). */
  readonly key: SiteFunctionKey;
}

/**
 * Every name a deployment's functions can have: server, image and all MAX_EDGE_ROUTES edge-route
 * functions (`edge0` … `edge11`), whether the deployment has them or not. The reader does not know
 * how many edge routes a deployment has, and a name is only a map entry: a line is a deployment's
 * when its stream names exactly one of these (built as the Deployer builds them), never by
 * taking a stranger's name apart.
 */
export function deploymentFunctions(siteId: string, deploymentId: string): OwnedFunction[] {
  const keys: { kind: SiteFunctionKind; key: SiteFunctionKey }[] = [
    { kind: "server", key: "server" },
    { kind: "image", key: "image" },
    ...Array.from({ length: MAX_EDGE_ROUTES }, (_, i) => ({ kind: "edge" as const, key: `edge${i}` as const })),
  ];
  return keys.map(({ kind, key }) => ({ name: siteFunctionName(siteId, deploymentId, key), deploymentId, kind, key }));
}

/**
 * Function name without its `-<key>` → deployment, for Logs Insights, which counts a deployment's
 * functions together. Each name's own base: an edge function's can differ from the server's (a long
 * site part is cut to what its own suffix leaves of 64 characters, `-edge0` one more than `-server`).
 */
export function deploymentOfFunctionBase(functions: readonly OwnedFunction[]): Map<string, string> {
  return new Map(functions.map((fn) => [fn.name.slice(0, -`-${fn.key}`.length), fn.deploymentId]));
}
