import { SlipwayError } from "@slipway/core";

/**
 * A listen that fails because the address is taken or privileged is the user's to fix (another
 * Slipway, another server, a port below 1024): say which port and which flag moves it, rather than
 * an "unexpected error" with Node's errno.
 */
export function explainListenError(
  error: unknown,
  what: { name: string; host: string; port: number; flag: string },
): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `${what.host}:${what.port}`;
  if (code === "EADDRINUSE")
    return new SlipwayError(
      "INVALID_CONFIG",
      `The ${what.name} cannot listen on ${where}: the port is already in use.`,
      `Stop what listens there, or pass another ${what.flag}.`,
    );
  if (code === "EACCES")
    return new SlipwayError(
      "INVALID_CONFIG",
      `The ${what.name} may not listen on ${where}: ports below 1024 need privileges.`,
      `Pass a port of 1024 or above with ${what.flag}, or grant CAP_NET_BIND_SERVICE.`,
    );
  if (code === "EADDRNOTAVAIL")
    return new SlipwayError(
      "INVALID_CONFIG",
      `The ${what.name} cannot listen on ${where}: no interface of this machine has that address.`,
      "Pass an address of this machine with --host.",
    );
  return error;
}
