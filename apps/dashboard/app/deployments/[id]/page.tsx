import type { Metadata } from "next";
import Link from "next/link";
import { LiveLog } from "../../../components/live-log";
import { StatusBadge } from "../../../components/status-badge";
import { api, read } from "../../../lib/api";
import { buildSteps } from "../../../lib/build-steps";
import { age, between, duration, shortSha } from "../../../lib/format";

export const metadata: Metadata = { title: "Deployment" };

/** One deployment: its facts, URLs, timings, the steps of its build and the env var keys it was built with, its log (live while it builds). */
export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const client = await api();
  const path = { params: { path: { id } } };
  const [deployment, lines, env] = await Promise.all([
    read(client.GET("/api/v1/deployments/{id}", path)),
    read(client.GET("/api/v1/deployments/{id}/logs", path)),
    read(client.GET("/api/v1/deployments/{id}/env", path)),
  ]);
  const finished = !["queued", "building", "deploying"].includes(deployment.status);
  const queued = between(deployment.createdAt, deployment.buildStartedAt);
  const built = between(deployment.buildStartedAt, deployment.readyAt ?? deployment.finishedAt);
  const steps = buildSteps(lines);
  return (
    <>
      <p>
        <Link href={`/sites/${deployment.project}`}>← {deployment.project}</Link>
      </p>
      <h1>
        Deployment <code>{deployment.id}</code> <StatusBadge status={deployment.status} />
      </h1>
      {deployment.statusReason ? (
        <p className="panel" role="alert">
          {deployment.statusReason}
        </p>
      ) : null}
      <dl className="facts panel">
        <dt>Environment</dt>
        <dd>{deployment.environment}</dd>
        <dt>Commit</dt>
        <dd>
          <code>{shortSha(deployment.commit.sha)}</code> {deployment.commit.message ?? ""} (
          {deployment.commit.branch ?? "detached"}, {deployment.commit.author ?? "unknown author"})
        </dd>
        <dt>URL</dt>
        <dd>
          {deployment.status === "ready" ? (
            <a href={deployment.url}>{deployment.url}</a>
          ) : (
            <span className="muted">{deployment.url} (once ready)</span>
          )}
        </dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={deployment.createdAt}>{age(deployment.createdAt)}</time> by {deployment.trigger}
        </dd>
        <dt>Queued for</dt>
        <dd>{queued === null ? "—" : duration(queued)}</dd>
        <dt>Build and deploy</dt>
        <dd>{built === null ? "—" : duration(built)}</dd>
      </dl>
      {steps.length > 0 ? (
        <>
          <h2>Build steps</h2>
          <table className="stack">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {steps.map((step) => (
                <tr key={step.seq}>
                  <td data-label="Step">{step.text}</td>
                  <td data-label="Took">{step.ms === null ? "—" : duration(step.ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h2>Environment variables</h2>
      {env.keys.length === 0 ? (
        <p className="muted">Built without environment variables.</p>
      ) : (
        <ul aria-label="Environment variables this deployment was built with">
          {env.keys.map(({ key, secret }) => (
            <li key={key}>
              <code>{key}</code>
              {secret ? <span className="muted"> (secret)</span> : null}
            </li>
          ))}
        </ul>
      )}
      <h2>Build log</h2>
      <LiveLog deploymentId={deployment.id} initial={lines} finished={finished} />
    </>
  );
}
