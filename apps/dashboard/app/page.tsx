import type { DeploymentView, ProjectListEntryView } from "@slipway/client";
import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "../components/status-badge";
import { api, read } from "../lib/api";
import { age } from "../lib/format";

export const metadata: Metadata = { title: "Sites" };

interface Site {
  project: ProjectListEntryView;
  production: DeploymentView | undefined;
  latest: DeploymentView | undefined;
}

/** Every site with its production status and its latest deployment; `?q=` narrows by name or repository. */
export default async function SitesPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const q = ((await searchParams).q ?? "").trim().toLowerCase();
  const client = await api();
  // One request: the API adds each project's latest and production deployment (indexed reads).
  const projects = await read(client.GET("/api/v1/projects", { params: { query: { deployments: "1" } } }));
  const sites: Site[] = projects
    .filter((p) => !q || p.name.includes(q) || p.repo.toLowerCase().includes(q))
    .map((p) => ({
      project: p,
      latest: p.latestDeployment ?? undefined,
      production: p.productionDeployment ?? undefined,
    }));
  return (
    <>
      <div className="row spread">
        <h1>Sites</h1>
        <Link className="button" href="/new">
          New project
        </Link>
      </div>
      <search>
        <form className="row" style={{ marginBottom: 14 }}>
          <label htmlFor="q" className="inline">
            Search
          </label>
          <input id="q" name="q" type="search" defaultValue={q} placeholder="name or repository" />
          <button type="submit">Search</button>
        </form>
      </search>
      {projects.length === 0 ? (
        <p className="panel">
          No sites yet. <Link href="/new">Create a project</Link> from a git repository.
        </p>
      ) : sites.length === 0 ? (
        <p className="panel">No site matches “{q}”.</p>
      ) : (
        <ul className="cards">
          {sites.map(({ project, latest, production }) => (
            <li key={project.id}>
              <h2>
                <Link href={`/sites/${project.name}`}>{project.name}</Link>
              </h2>
              <div className="row">
                <span>
                  Production: <StatusBadge status={production ? "ready" : "none"} />
                </span>
                {production ? <a href={project.url}>{project.url.replace(/^https?:\/\//, "")}</a> : null}
                {project.canary ? <span className="badge canary">canary {project.canary.percent}%</span> : null}
              </div>
              {latest ? (
                <p className="muted" style={{ margin: "6px 0 0" }}>
                  <StatusBadge status={latest.status} /> {latest.commit.message ?? latest.commit.sha.slice(0, 7)}
                  <br />
                  {latest.commit.author ?? "unknown author"} on {latest.commit.branch ?? "a detached ref"} ·{" "}
                  <time dateTime={latest.createdAt} title={latest.createdAt}>
                    {age(latest.createdAt)}
                  </time>
                </p>
              ) : (
                <p className="muted">Not deployed yet.</p>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
