import type { DeploymentStatus } from "@slipway/core";

export function StatusBadge({ status }: { status: DeploymentStatus | "none" }) {
  return <span className={`badge s-${status}`}>{status === "none" ? "no deployment" : status}</span>;
}
