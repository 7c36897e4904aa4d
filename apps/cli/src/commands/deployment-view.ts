/** The API's deployment shape, and how the CLI prints it. */
export interface DeploymentView {
  id: string;
  project: string;
  status: string;
  statusReason: string | null;
  url: string;
  environment: string;
  commit: { sha: string; branch: string | null; message: string | null; author: string | null };
  createdAt: string;
  readyAt: string | null;
}

export const FINISHED = new Set(["ready", "error", "canceled"]);

/** The `--json` contract: stable keys, extra detail only where it helps. */
export function deploymentJson(d: DeploymentView) {
  return {
    id: d.id,
    status: d.status,
    url: d.url,
    environment: d.environment,
    commit: { sha: d.commit.sha, branch: d.commit.branch },
    ...(d.statusReason ? { reason: d.statusReason } : {}),
    createdAt: d.createdAt,
  };
}
