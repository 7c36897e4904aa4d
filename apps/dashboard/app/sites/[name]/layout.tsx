import type { ReactNode } from "react";
import { NavLink } from "../../../components/nav-link";
import { api, read } from "../../../lib/api";

/** A site's header and its sections: deployments, env vars, settings, domains, runtime logs, metrics. */
export default async function SiteLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ name: string }>;
}) {
  const { name } = await params;
  const project = await read((await api()).GET("/api/v1/projects/{name}", { params: { path: { name } } }));
  const base = `/sites/${project.name}`;
  return (
    <>
      <div className="row spread">
        <h1>{project.name}</h1>
        <a href={project.url}>{project.url.replace(/^https?:\/\//, "")}</a>
      </div>
      <p className="muted" style={{ marginTop: -8 }}>
        {project.repo} · production branch <code>{project.productionBranch}</code>
      </p>
      <nav className="tabs" aria-label="Site">
        <NavLink href={base}>Deployments</NavLink>
        <NavLink href={`${base}/env`}>Environment variables</NavLink>
        <NavLink href={`${base}/settings`}>Settings</NavLink>
        <NavLink href={`${base}/domains`}>Domains</NavLink>
        <NavLink href={`${base}/logs`}>Runtime logs</NavLink>
        <NavLink href={`${base}/metrics`}>Metrics</NavLink>
      </nav>
      {children}
    </>
  );
}
