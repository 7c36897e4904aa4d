import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { rootCertificates } from "node:tls";
import { describe, expect, it } from "vitest";
import { hostNetwork, writeCaBundle } from "./network-env.ts";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBcorp\n-----END CERTIFICATE-----\n";

describe("host network settings", () => {
  it("reads the usual variables in either case", () => {
    expect(
      hostNetwork({
        NODE_EXTRA_CA_CERTS: "/ca.pem",
        https_proxy: "http://p:1",
        NO_PROXY: "x",
        NPM_CONFIG_REGISTRY: "r",
      }),
    ).toEqual({ caFile: "/ca.pem", httpsProxy: "http://p:1", httpProxy: null, noProxy: "x", registry: "r" });
    expect(hostNetwork({ SSL_CERT_FILE: "/ssl.pem" }).caFile).toBe("/ssl.pem");
  });

  it("bundles Node's roots with the host's extra CA, wherever the host keeps it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-ca-"));
    writeFileSync(path.join(dir, "corp.pem"), PEM);
    const bundle = await writeCaBundle(
      hostNetwork({ NODE_EXTRA_CA_CERTS: path.join(dir, "corp.pem") }),
      path.join(dir, "out.pem"),
    );
    const text = readFileSync(bundle ?? "", "utf8");
    expect(text).toContain("MIIBcorp");
    expect(text).toContain(rootCertificates[0]);
  });

  it("writes nothing when the host trusts nothing extra or its file is not PEM", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-ca-"));
    expect(await writeCaBundle(hostNetwork({}), path.join(dir, "a.pem"))).toBeNull();
    writeFileSync(path.join(dir, "junk"), "not a certificate");
    expect(
      await writeCaBundle(hostNetwork({ SSL_CERT_FILE: path.join(dir, "junk") }), path.join(dir, "b.pem")),
    ).toBeNull();
  });
});
