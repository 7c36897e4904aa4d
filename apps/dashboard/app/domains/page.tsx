import type { Metadata } from "next";
import { AddDomainForm } from "../../components/domains/add-domain-form";
import { DomainList } from "../../components/domains/domain-list";
import { api, read } from "../../lib/api";

export const metadata: Metadata = { title: "Domains" };

/** Every custom domain of the caller's teams, across sites; a domain is added to one of them. */
export default async function DomainsPage() {
  const client = await api();
  const [domains, projects] = await Promise.all([
    read(client.GET("/api/v1/domains")),
    read(client.GET("/api/v1/projects")),
  ]);
  return (
    <>
      <h1>Domains</h1>
      {domains.length === 0 ? (
        <p className="panel">No custom domains yet. Add one below: it gets HTTPS by itself once its DNS points here.</p>
      ) : (
        <DomainList domains={domains} showProject />
      )}
      <h2>Add a domain</h2>
      {projects.length === 0 ? (
        <p className="muted">
          Create a site first (<a href="/new">new project</a>): a domain serves one site.
        </p>
      ) : (
        <AddDomainForm projects={projects.map((p) => p.name)} />
      )}
    </>
  );
}
