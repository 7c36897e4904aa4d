import type { UrlScheme } from "@slipway/core";
import type { PlatformConfig } from "./config.ts";

export function localUrlScheme(config: PlatformConfig): UrlScheme {
  const edgePort = config.edgePort === 80 ? "" : `:${config.edgePort}`;
  const apiHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return {
    hostname: (label) => `${label}.${config.domain}`,
    url: (hostname) => `http://${hostname}${edgePort}`,
    apiUrl: config.publicUrl?.replace(/\/$/, "") ?? `http://${apiHost}:${config.port}`,
  };
}
