import { DEPLOYMENT_STATUSES, ENVIRONMENTS } from "@slipway/core/schemas";
import Link from "next/link";
import { ActionForm } from "../../../components/action-form";
import { StatusBadge } from "../../../components/status-badge";
import { api, read } from "../../../lib/api";
import { age, between, duration, shortSha } from "../../../lib/format";
import { needsRole, roleInProject } from "../../../lib/role";
import { cancel, deploy, promote, redeploy, rollback } from "./actions";
import { CanaryPanel } from "./canary-panel";

const PAGE_SIZE = 20;

type Filters = { environment?: string; status?: string; before?: string };

/** A site's deployments, newest first, filtered by environment and status, paged with `before`. */
export default async function DeploymentsPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Filters>;
}) {
  const { name } = await params;
  const filters = await searchParams;
  const environment = ENVIRONMENTS.find((e) => e === filters.environment);
  const status = DEPLOYMENT_STATUSES.find((s) => s === filters.status);
  const query = {
    limit: String(PAGE_SIZE + 1),
    ...(environment ? { environment } : {}),
    ...(status ? { status } : {}),
    ...(filters.before ? { before: filters.before } : {}),
  };
  const client = await api();
  const asMember = needsRole(await roleInProject(name), "member");
  const [fetched, { canary }] = await Promise.all([
    read(client.GET("/api/v1/projects/{name}/deployments", { params: { path: { name }, query } })),
    // The running canary (null: none), from the production alias the edge splits on.
    read(client.GET("/api/v1/projects/{name}", { params: { path: { name } } })),
  ]);
  const deployments = fetched.slice(0, PAGE_SIZE);
  const last = deployments.at(-1);
  const nextPage =
    fetched.length > PAGE_SIZE && last
      ? `?${new URLSearchParams({ ...(environment ? { environment } : {}), ...(status ? { status } : {}), before: last.id })}`
      : null;
  return (
    <>
      <div className="row spread" style={{ marginBottom: 10 }}>
        <ActionForm action={deploy} label="Deploy production branch" busyLabel="Queuing…" primary refusal={asMember}>
          <input type="hidden" name="project" value={name} />
        </ActionForm>
      </div>
      {canary ? <CanaryPanel project={name} canary={canary} refusal={asMember} /> : null}
      <form className="row" aria-label="Filter deployments">
        <label className="inline" htmlFor="environment">
          Environment
        </label>
        <select id="environment" name="environment" defaultValue={environment ?? ""} style={{ width: "auto" }}>
          <option value="">all</option>
          {ENVIRONMENTS.map((e) => (
            <option key={e}>{e}</option>
          ))}
        </select>
        <label className="inline" htmlFor="status">
          Status
        </label>
        <select id="status" name="status" defaultValue={status ?? ""} style={{ width: "auto" }}>
          <option value="">all</option>
          {DEPLOYMENT_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      {deployments.length === 0 ? (
        <p className="panel">
          {environment || status || filters.before
            ? "No deployment matches these filters."
            : "No deployments yet: push to the repository (with the webhook set up) or run `slipway deploy`."}
        </p>
      ) : (
        <table className="stack">
          <caption className="skip">Deployments</caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Status</th>
              <th scope="col">Environment</th>
              <th scope="col">Commit</th>
              <th scope="col">Duration</th>
              <th scope="col">Age</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {deployments.map((d) => {
              const took = between(d.createdAt, d.finishedAt ?? d.readyAt);
              const hidden = (
                <>
                  <input type="hidden" name="project" value={name} />
                  <input type="hidden" name="id" value={d.id} />
                  <input type="hidden" name="sha" value={d.commit.sha} />
                  <input type="hidden" name="environment" value={d.environment} />
                </>
              );
              const moving = d.status === "queued" || d.status === "building" || d.status === "deploying";
              return (
                <tr key={d.id}>
                  <td data-label="Deployment">
                    <Link href={`/deployments/${d.id}`}>{d.id}</Link>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={d.status} />
                    {canary?.deploymentId === d.id ? (
                      <>
                        {" "}
                        <span className="badge canary">canary {canary.percent}%</span>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Environment">{d.environment}</td>
                  <td data-label="Commit">
                    <code>{shortSha(d.commit.sha)}</code> {d.commit.message ?? ""}
                    <br />
                    <span className="muted">
                      {d.commit.branch ?? "detached"} · {d.commit.author ?? "unknown author"}
                    </span>
                  </td>
                  <td data-label="Duration">{took === null ? "—" : duration(took)}</td>
                  <td data-label="Age">
                    <time dateTime={d.createdAt} title={d.createdAt}>
                      {age(d.createdAt)}
                    </time>
                  </td>
                  <td data-label="Actions">
                    <div className="actions">
                      {moving ? (
                        <ActionForm action={cancel} label="Cancel" busyLabel="Canceling…" danger refusal={asMember}>
                          {hidden}
                        </ActionForm>
                      ) : null}
                      {d.status === "ready" && d.environment === "production" ? (
                        <ActionForm
                          action={rollback}
                          label="Roll back to this"
                          busyLabel="Rolling back…"
                          refusal={asMember}
                        >
                          {hidden}
                        </ActionForm>
                      ) : null}
                      {d.status === "ready" && d.environment === "preview" ? (
                        <ActionForm action={promote} label="Promote" busyLabel="Promoting…" refusal={asMember}>
                          {hidden}
                        </ActionForm>
                      ) : null}
                      {!moving ? (
                        <ActionForm action={redeploy} label="Redeploy" busyLabel="Queuing…" refusal={asMember}>
                          {hidden}
                        </ActionForm>
                      ) : null}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav className="row" aria-label="Pages" style={{ marginTop: 12 }}>
        {filters.before ? (
          <Link
            href={`?${new URLSearchParams({ ...(environment ? { environment } : {}), ...(status ? { status } : {}) })}`}
          >
            Newest
          </Link>
        ) : null}
        {nextPage ? <Link href={nextPage}>Older deployments</Link> : null}
      </nav>
    </>
  );
}
