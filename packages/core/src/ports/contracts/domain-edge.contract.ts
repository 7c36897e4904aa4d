import { expect } from "vitest";
import type { DomainEdge } from "../domain-edge.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

/** A DomainEdge and the world around it, which a test moves as users and the CA would. */
export interface DomainEdgeRig {
  readonly edge: DomainEdge;
  /** The user sets the records `records()` gave for `hostname`. */
  point(hostname: string): void;
  /** The CA validated `site`'s pending certificate: it is issued and its domains go live. */
  issue(site: string): void;
  /** The CA gave up on `site`'s pending certificate. */
  failCertificate(site: string): void;
  /** Time passes until every change the edge had in flight is done. */
  settle(): void;
  /** Makes `deploymentId` the site's production deployment. */
  setProduction(site: string, deploymentId: string): Promise<void>;
  /** The deployment requests for `hostname` reach, or null when the edge does not route it. */
  routed(hostname: string): Promise<string | null>;
}

/** The DomainEdge contract: every target's adapter (CloudFront tenants, …) runs these cases. */
export function runDomainEdgeContract(options: ContractOptions<DomainEdgeRig>): void {
  /** Up to `rounds` detach calls, the edge settling in between, as the detach step's retries do. */
  const detachFully = async (rig: DomainEdgeRig, site: string, hostname: string, rounds = 5) => {
    for (let i = 0; i < rounds; i++) {
      if ((await rig.edge.detach(site, hostname)) === "done") return "done";
      rig.settle();
    }
    return "again";
  };
  const activate = async (rig: DomainEdgeRig, site: string, hostname: string) => {
    rig.point(hostname);
    expect(await rig.edge.verify(site, hostname)).toEqual({ ok: true });
    await rig.edge.certify(site, hostname);
    rig.issue(site);
    expect(await rig.edge.state(site, hostname)).toEqual({ state: "active" });
  };

  defineContract<DomainEdgeRig>(
    "DomainEdge",
    options,
    async () => {},
    (test) => {
      test("records name the hostname and where it must point", async ({ edge }) => {
        const records = await edge.records("shop.example.com");
        expect(records.length).toBeGreaterThan(0);
        for (const record of records) {
          expect(record.name).toMatch(/shop\.example\.com$/);
          expect(record.value).not.toBe("");
          expect(record.purpose).not.toBe("");
        }
      });

      test("verify says why until DNS points at the edge, then passes", async (rig) => {
        const first = await rig.edge.verify("site1", "shop.example.com");
        expect(first.ok).toBe(false);
        if (!first.ok) expect(first.reason).toMatch(/\S/);
        rig.point("shop.example.com");
        expect(await rig.edge.verify("site1", "shop.example.com")).toEqual({ ok: true });
        expect(await rig.edge.verify("site1", "shop.example.com")).toEqual({ ok: true });
      });

      test("a certificate is issuing until the CA is done, then active; certify twice starts one", async (rig) => {
        rig.point("shop.example.com");
        await rig.edge.verify("site1", "shop.example.com");
        await rig.edge.certify("site1", "shop.example.com");
        await rig.edge.certify("site1", "shop.example.com");
        expect((await rig.edge.state("site1", "shop.example.com")).state).toBe("issuing");
        rig.issue("site1");
        expect(await rig.edge.state("site1", "shop.example.com")).toEqual({ state: "active" });
      });

      test("a certificate the CA gives up on is failed, with the reason", async (rig) => {
        rig.point("shop.example.com");
        await rig.edge.verify("site1", "shop.example.com");
        await rig.edge.certify("site1", "shop.example.com");
        rig.failCertificate("site1");
        const state = await rig.edge.state("site1", "shop.example.com");
        expect(state.state).toBe("failed");
        if (state.state === "failed") expect(state.reason).toMatch(/\S/);
      });

      test("serve routes an active hostname to the site's production deployment", async (rig) => {
        await activate(rig, "site1", "shop.example.com");
        await rig.setProduction("site1", "dep-1");
        await rig.edge.serve("site1", "shop.example.com");
        expect(await rig.routed("shop.example.com")).toBe("dep-1");
      });

      test("one hostname is on one site: a second site's verify says no", async (rig) => {
        rig.point("shop.example.com");
        expect(await rig.edge.verify("site1", "shop.example.com")).toEqual({ ok: true });
        const other = await rig.edge.verify("site2", "shop.example.com");
        expect(other.ok).toBe(false);
      });

      test("detach stops routing; the site's other domains stay; the last one frees the name", async (rig) => {
        await activate(rig, "site1", "a.example.com");
        await activate(rig, "site1", "b.example.com");
        await rig.setProduction("site1", "dep-1");
        await rig.edge.serve("site1", "a.example.com");
        await rig.edge.serve("site1", "b.example.com");

        expect(await detachFully(rig, "site1", "a.example.com")).toBe("done");
        expect(await rig.routed("a.example.com")).toBeNull();
        expect(await rig.edge.state("site1", "b.example.com")).toEqual({ state: "active" });
        expect(await rig.routed("b.example.com")).toBe("dep-1");

        expect(await detachFully(rig, "site1", "b.example.com")).toBe("done");
        expect(await rig.routed("b.example.com")).toBeNull();
        expect(await detachFully(rig, "site1", "b.example.com")).toBe("done");
        // Freed: another site can take the name.
        expect(await rig.edge.verify("site2", "b.example.com")).toEqual({ ok: true });
      });
    },
  );
}
