import type { DeploymentView, ProjectView } from "@slipway/client";
import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "../components/status-badge";
import { api, read } from "../lib/api";
import { age } from "../lib/format";

export const metadata: Metadata = { title: "Sites" };

interface Site {
  project: ProjectView;
  production: DeploymentView | undefined;
  latest: DeploymentView | undefined;
}

/** Every site with its production status and its latest deployment; `?q=` narrows by name or repository. */
export default async function SitesPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const q = ((await searchParams).q ?? "").trim().toLowerCase();
  const client = await api();
  const projects = await read<ProjectView[]>(client.GET("/api/v1/projects"));
  const shown = projects.filter((p) => !q || p.name.includes(q) || p.repo.toLowerCase().includes(q));
  // One page of one deployment per question; the store answers each from its index.
  const sites: Site[] = await Promise.all(
    shown.map(async (project) => {
      const path = { name: project.name };
      const [latest, production] = await Promise.all([
        read<DeploymentView[]>(
          client.GET("/api/v1/projects/{name}/deployments", { params: { path, query: { limit: 1 } } }),
        ),
        read<DeploymentView[]>(
          client.GET("/api/v1/projects/{name}/deployments", {
            params: { path, query: { limit: 1, environment: "production", status: "ready" } },
          }),
        ),
      ]);
      return { project, latest: latest[0], production: production[0] };
    }),
  );
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
