/**
 * The CDK app (`@slipway/aws`: aws-cdk-lib, cdk-nag), for the `aws` commands only. Like the
 * platform it stays TypeScript loaded at run time through tsx, so the bundle never carries the
 * CDK (tens of megabytes, and files it reads beside its own modules).
 */
export async function loadAws(): Promise<typeof import("@slipway/aws")> {
  if (!import.meta.url.endsWith(".ts")) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  return import("@slipway/aws");
}
