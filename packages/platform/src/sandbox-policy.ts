import { SlipwayError } from "@slipway/core";
import type { PlatformConfig } from "./config.ts";

export const UNSAFE_NO_SANDBOX_FLAG = "--unsafe-no-sandbox";

export type SandboxDecision = { kind: "bwrap" } | { kind: "none"; banner: string };

/** Listens only where other machines cannot reach it. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `localhost` and `*.localhost` resolve to this machine only (RFC 6761). */
export function isLocalDomain(domain: string): boolean {
  return domain === "localhost" || domain.endsWith(".localhost");
}

/**
 * Decides at start whether builds and workers run in bubblewrap. Without it they run the users'
 * code with this process's rights (data dir, master key, every project's secrets): acceptable on
 * a laptop serving `*.localhost` on loopback, not for a public domain or a public address unless
 * the operator says so in as many words.
 */
export function decideSandbox(
  config: Pick<PlatformConfig, "sandbox" | "host" | "domain" | "unsafeNoSandbox">,
  bwrapWorks: () => boolean,
): SandboxDecision {
  if (config.sandbox !== "none" && bwrapWorks()) return { kind: "bwrap" };
  if (config.sandbox === "bwrap") {
    throw new SlipwayError(
      "SANDBOX_REQUIRED",
      "SLIPWAY_SANDBOX is bwrap but bubblewrap cannot run here.",
      "Run `slipway doctor` to see what is missing (bubblewrap, unprivileged user namespaces).",
    );
  }
  const why =
    config.sandbox === "none" ? "SLIPWAY_SANDBOX=none" : "bubblewrap is missing or cannot create namespaces here";
  const exposed = [
    ...(isLocalDomain(config.domain) ? [] : [`domain "${config.domain}"`]),
    ...(isLoopbackHost(config.host) ? [] : [`listen address "${config.host}"`]),
  ];
  if (exposed.length > 0 && !config.unsafeNoSandbox) {
    throw new SlipwayError(
      "SANDBOX_REQUIRED",
      `Refusing to serve ${exposed.join(" and ")} without a sandbox (${why}): anyone who can push a build could read every secret on this machine.`,
      `Install bubblewrap and allow user namespaces (\`slipway doctor\` shows how), or pass ${UNSAFE_NO_SANDBOX_FLAG} to accept the risk.`,
    );
  }
  const rule = "!".repeat(78);
  const banner = [
    rule,
    `!! NO SANDBOX (${why}).`,
    "!! Builds and sites run with this process's rights: they can read the data dir, the master",
    "!! key and every project's secrets. Run `slipway doctor` to see how to enable bubblewrap.",
    rule,
  ].join("\n");
  return { kind: "none", banner };
}
