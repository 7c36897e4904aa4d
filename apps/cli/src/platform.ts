/**
 * The platform (SQLite, builders, workers), for the commands that run it (`up`, `admin
 * rotate-key`). It is TypeScript loaded at run time: the bundled CLI registers tsx first (the
 * other commands never pay for it); run from sources, tsx is already there.
 */
export async function loadPlatform(): Promise<typeof import("@slipway/platform")> {
  if (!import.meta.url.endsWith(".ts")) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  return import("@slipway/platform");
}
