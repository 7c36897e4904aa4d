import { expect } from "vitest";
import type { Deployment } from "../../domain/model.ts";
import type { Deployer } from "../deployer.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

export interface DeployerContractOptions extends ContractOptions<Deployer> {
  /** A deployment whose artifact the adapter's rig can run (stored in the blob store it uses). */
  good: (subject: Deployer) => Promise<Deployment>;
  /** A deployment whose activation fails: its artifact is missing, broken, or never answers. */
  bad: (subject: Deployer) => Promise<Deployment>;
}

/** The Deployer contract: the local function host, Lambda versions… run these. */
export function runDeployerContract(options: DeployerContractOptions): void {
  defineContract<Deployer>(
    "Deployer",
    options,
    async () => {},
    (test) => {
      test("activate of a good artifact is ok with its warm-up time", async (deployer) => {
        const result = await deployer.activate(await options.good(deployer));
        expect(result).toMatchObject({ ok: true, warmMs: expect.any(Number) });
        expect(result.ok && result.warmMs).toBeGreaterThanOrEqual(0);
      });

      test("activate of a bad artifact is a failed result with a reason, never a throw", async (deployer) => {
        const result = await deployer.activate(await options.bad(deployer));
        expect(result.ok).toBe(false);
        expect(!result.ok && result.reason).toBeTruthy();
      });

      test("activate twice (a redelivered message) is ok both times", async (deployer) => {
        const deployment = await options.good(deployer);
        expect(await deployer.activate(deployment)).toMatchObject({ ok: true });
        expect(await deployer.activate(deployment)).toMatchObject({ ok: true });
      });

      test("deactivate is idempotent, and a no-op for a deployment never activated", async (deployer) => {
        const deployment = await options.good(deployer);
        expect(await deployer.activate(deployment)).toMatchObject({ ok: true });
        await deployer.deactivate(deployment.id);
        await deployer.deactivate(deployment.id);
        await expect(deployer.deactivate("never-activated")).resolves.toBeUndefined();
      });

      test("a deactivated deployment activates again", async (deployer) => {
        const deployment = await options.good(deployer);
        expect(await deployer.activate(deployment)).toMatchObject({ ok: true });
        await deployer.deactivate(deployment.id);
        expect(await deployer.activate(deployment)).toMatchObject({ ok: true });
      });
    },
  );
}
