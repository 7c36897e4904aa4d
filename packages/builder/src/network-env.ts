import { readFile, writeFile } from "node:fs/promises";
import { rootCertificates } from "node:tls";

/** How the host reaches the registry: what every package manager in the sandbox must use too. */
export interface HostNetwork {
  /** Extra CA certificates (PEM) the host trusts: a TLS-inspecting proxy's CA, a private registry's. */
  caFile: string | null;
  httpsProxy: string | null;
  httpProxy: string | null;
  noProxy: string | null;
  /** The npm registry the host uses, when it is not the public one. */
  registry: string | null;
}

/** Reads the usual variables (either case), as npm and curl do. */
export function hostNetwork(env: Record<string, string | undefined>): HostNetwork {
  const get = (...names: string[]) => {
    for (const name of names) {
      const value = env[name]?.trim();
      if (value) return value;
    }
    return null;
  };
  return {
    caFile: get("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE"),
    httpsProxy: get("HTTPS_PROXY", "https_proxy"),
    httpProxy: get("HTTP_PROXY", "http_proxy"),
    noProxy: get("NO_PROXY", "no_proxy"),
    registry: get("npm_config_registry", "NPM_CONFIG_REGISTRY"),
  };
}

/**
 * One PEM file with Node's own roots plus the host's extra CAs, written where the sandbox can read
 * it (the host's file may live anywhere). Some tools add a CA file to their roots (Node's
 * NODE_EXTRA_CA_CERTS), others replace their roots with it (Yarn berry's httpsCaFilePath): with
 * both in one file, each works either way. Null when the host trusts nothing extra.
 */
export async function writeCaBundle(network: HostNetwork, target: string): Promise<string | null> {
  if (!network.caFile) return null;
  const extra = await readFile(network.caFile, "utf8").catch(() => null);
  if (extra === null || !extra.includes("-----BEGIN CERTIFICATE-----")) return null;
  await writeFile(target, `${rootCertificates.join("\n")}\n${extra}\n`, { mode: 0o644 });
  return target;
}

/** The variables npm, pnpm, Yarn classic and bun read (Yarn berry's own are in yarn.ts). */
export function networkEnv(network: HostNetwork, caBundle: string | null): Record<string, string> {
  const env: Record<string, string> = {};
  const both = (name: string, value: string | null) => {
    if (value === null) return;
    env[name] = value;
    env[name.toLowerCase()] = value;
  };
  both("HTTPS_PROXY", network.httpsProxy);
  both("HTTP_PROXY", network.httpProxy);
  both("NO_PROXY", network.noProxy);
  if (network.registry) {
    env.npm_config_registry = network.registry;
    // bun reads only the upper-case spelling.
    env.NPM_CONFIG_REGISTRY = network.registry;
  }
  if (caBundle) {
    env.NODE_EXTRA_CA_CERTS = caBundle;
    // npm, pnpm and Yarn classic replace Node's roots with a `cafile` when one is configured (a
    // distribution's global npmrc often names the system bundle): ours holds both, so it wins.
    env.npm_config_cafile = caBundle;
    // OpenSSL-based tools (git, curl, bun) read this one.
    env.SSL_CERT_FILE = caBundle;
  }
  return env;
}
