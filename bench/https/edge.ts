import type { Secrets, Store } from "@slipway/core";
import { createSqliteDomainRoutes, type SqliteDatabase } from "@slipway/local";
import {
  createCertificateContexts,
  createDomainFront,
  createHttpsListener,
  domainsThroughStore,
  type EdgeOptions,
} from "@slipway/runtime";
import type { startStack } from "@slipway/runtime/test-support";

type Stack = Awaited<ReturnType<typeof startStack>>;

/** The test stack's edge with custom domains and the HTTPS listener wired as `slipway up` wires them. */
export async function startHttpsEdge(options: {
  db: SqliteDatabase;
  store: Store;
  secrets: Secrets;
  startStack: (
    front: NonNullable<EdgeOptions["domainFront"]>,
    directory: ReturnType<typeof domainsThroughStore>["directory"],
  ) => Promise<Stack>;
}) {
  const customDomains = domainsThroughStore(options.store, options.secrets, createSqliteDomainRoutes(options.db));
  let stack: Stack | null = null;
  const contexts = createCertificateContexts(customDomains.certificates);
  const https = createHttpsListener({
    contextFor: contexts.contextFor,
    handle: (req, res) => stack?.edge.handleSecure(req, res),
    onError: (line) => process.stderr.write(`${line}\n`),
  });
  const httpsPort = await https.listen(0, "127.0.0.1");
  stack = await options.startStack(
    createDomainFront({
      lookup: customDomains.lookup,
      isPlatformHost: (hostname) => hostname === "localhost" || hostname.endsWith(".localhost"),
      httpsPort,
      hsts: "max-age=31536000",
    }),
    customDomains.directory,
  );
  const started = stack;
  return {
    stack: started,
    httpsPort,
    async close() {
      await https.close();
      await started.close();
    },
  };
}
