import type { Metadata } from "next";
import { AddDomainForm } from "../../../../components/domains/add-domain-form";
import { DomainList } from "../../../../components/domains/domain-list";
import { api, read } from "../../../../lib/api";
import { needsRole, roleInProject } from "../../../../lib/role";

export const metadata: Metadata = { title: "Domains" };

/** A site's custom domains: status, certificate, DNS records to set; add, verify, remove. */
export default async function SiteDomainsPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const asMember = needsRole(await roleInProject(name), "member");
  const domains = await read((await api()).GET("/api/v1/domains", { params: { query: { project: name } } }));
  return (
    <>
      <h2 style={{ marginTop: 0 }}>Domains</h2>
      {domains.length === 0 ? (
        <p className="panel">No custom domains yet. Add one below: it gets HTTPS by itself once its DNS points here.</p>
      ) : (
        <DomainList domains={domains} showProject={false} />
      )}
      {/* A viewer may look, not add: the form is for members (the API refuses a viewer anyway). */}
      {asMember === undefined ? (
        <>
          <h2>Add a domain</h2>
          <AddDomainForm projects={[name]} />
        </>
      ) : (
        <p className="muted">{asMember}: to add a domain.</p>
      )}
    </>
  );
}
