import type { UrlScheme } from "@slipway/core";
import type { PlatformConfig } from "./config.ts";

/** The address this machine reaches its own listener at: a wildcard bind is reached on loopback. */
export function selfAddress(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}

export function localUrlScheme(config: PlatformConfig): UrlScheme {
  const edgePort = config.edgePort === 80 ? "" : `:${config.edgePort}`;
  const apiHost = selfAddress(config.host);
  return {
    hostname: (label) => `${label}.${config.domain}`,
    url: (hostname) => `http://${hostname}${edgePort}`,
    apiUrl: config.publicUrl?.replace(/\/$/, "") ?? `http://${apiHost}:${config.port}`,
  };
}
