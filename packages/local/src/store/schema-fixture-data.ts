/**
 * What every `fixtures/schemas/v<N>.db` holds, shared by the script that writes them and the test
 * that migrates them. The key is a test key: it encrypts nothing but the fixture's one value.
 */
export const FIXTURE_MASTER_KEY = "c2xpcHdheS1zY2hlbWEtZml4dHVyZS1rZXktMzJieXQ=";

export const FIXTURE_DATA = {
  project: "blog",
  deploymentId: "dpl_fixture1",
  productionHost: "blog.localhost",
  envKey: "API_SECRET",
  envValue: "fixture-secret-value",
  webhookSecret: "whsec-fixture-plain",
  domain: "blog.example.com",
} as const;
