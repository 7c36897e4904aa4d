import type { Deployment } from "../domain/model.ts";

export type ActivationResult = { ok: true; warmMs: number } | { ok: false; reason: string };

/**
 * Makes a built artifact runnable on the target and pre-warms it (local: unpack + start a worker
 * and send it a request; AWS: publish a Lambda version, upload assets). Aliases are moved by the
 * core afterwards, so a failed activation never touches production.
 */
export interface Deployer {
  readonly name: string;
  activate(deployment: Deployment): Promise<ActivationResult>;
  /** Frees what `activate` made (retention). Idempotent. */
  deactivate(deploymentId: string): Promise<void>;
}
