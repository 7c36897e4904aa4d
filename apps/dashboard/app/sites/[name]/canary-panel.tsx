import type { CanaryView } from "@slipway/client";
import Link from "next/link";
import { ActionForm } from "../../../components/action-form";
import { age } from "../../../lib/format";
import { cancelCanary, promote } from "./actions";

/**
 * A canary release in progress on the site's production: its share, since when, beside which
 * deployment, and the two ways out the CLI offers (`slipway promote ID` completes it,
 * `slipway rollback` cancels it). An error alarm cancels it by itself (AWS).
 */
export function CanaryPanel({
  project,
  canary,
  refusal,
}: {
  project: string;
  canary: CanaryView;
  refusal: string | undefined;
}) {
  return (
    <section className="panel row spread" aria-label="Canary release" style={{ marginBottom: 10 }}>
      <p style={{ margin: 0 }}>
        <span className="badge canary">canary {canary.percent}%</span> {canary.percent}% of production goes to{" "}
        <Link href={`/deployments/${canary.deploymentId}`}>{canary.deploymentId}</Link> since{" "}
        <time dateTime={canary.startedAt} title={canary.startedAt}>
          {age(canary.startedAt)}
        </time>
        , the rest to{" "}
        <Link href={`/deployments/${canary.productionDeploymentId}`}>{canary.productionDeploymentId}</Link>.
      </p>
      <div className="actions">
        <ActionForm action={promote} label="Complete canary" busyLabel="Promoting…" primary refusal={refusal}>
          <input type="hidden" name="project" value={project} />
          <input type="hidden" name="id" value={canary.deploymentId} />
        </ActionForm>
        <ActionForm action={cancelCanary} label="Cancel canary" busyLabel="Cancelling…" danger refusal={refusal}>
          <input type="hidden" name="project" value={project} />
        </ActionForm>
      </div>
    </section>
  );
}
