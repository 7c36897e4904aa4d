import { NODE_VERSIONS } from "@slipway/core/schemas";
import type { Metadata } from "next";
import { ActionForm } from "../../../../components/action-form";
import { ValidatedForm } from "../../../../components/validated-form";
import { api, read } from "../../../../lib/api";
import { needsRole, roleInTeam } from "../../../../lib/role";
import { deleteProject, rotateSecret, saveSettings } from "./actions";

export const metadata: Metadata = { title: "Settings" };

/** Build settings, the GitHub webhook (URL, secret, rotate) and deleting the project. */
export default async function SettingsPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ created?: string }>;
}) {
  const { name } = await params;
  const { created } = await searchParams;
  const project = await read((await api()).GET("/api/v1/projects/{name}", { params: { path: { name } } }));
  const role = await roleInTeam(project.teamId);
  const asMember = needsRole(role, "member");
  const asOwner = needsRole(role, "owner");
  const hidden = <input type="hidden" name="project" value={project.name} />;
  return (
    <>
      {created ? (
        <p className="panel" role="status">
          Project created. To deploy on every push, add the webhook below to the repository on GitHub (Settings →
          Webhooks → Add webhook), or deploy now with <code>slipway deploy {project.name}</code>.
        </p>
      ) : null}
      <h2 style={{ marginTop: 0 }}>Webhook</h2>
      <section className="panel">
        <ol style={{ margin: 0, paddingLeft: 18 }}>
          <li>
            Payload URL: <code>{project.webhook.url}</code>
          </li>
          <li>
            Content type: <code>application/json</code>
          </li>
          <li>
            Secret:{" "}
            <details style={{ display: "inline" }}>
              <summary>show</summary>
              <code>{project.webhook.secret}</code>
            </details>
          </li>
          <li>Events: pushes and pull requests.</li>
        </ol>
        <ActionForm action={rotateSecret} label="Rotate secret" busyLabel="Rotating…" refusal={asMember}>
          {hidden}
        </ActionForm>
      </section>
      <h2>Build settings</h2>
      <ValidatedForm
        form="updateProject"
        action={saveSettings}
        label="Save settings"
        busyLabel="Saving…"
        refusal={asMember}
      >
        {hidden}
        <label htmlFor="branch">Production branch</label>
        <input id="branch" name="branch" type="text" defaultValue={project.productionBranch} />
        <label htmlFor="rootDir">Root directory</label>
        <input id="rootDir" name="rootDir" type="text" defaultValue={project.rootDir} placeholder="(repository root)" />
        <label htmlFor="installCommand">Install command</label>
        <input
          id="installCommand"
          name="installCommand"
          type="text"
          defaultValue={project.installCommand ?? ""}
          placeholder="(detected from the lockfile)"
        />
        <label htmlFor="buildCommand">Build command</label>
        <input
          id="buildCommand"
          name="buildCommand"
          type="text"
          defaultValue={project.buildCommand ?? ""}
          placeholder="(next build)"
        />
        <label htmlFor="nodeVersion">Node.js version</label>
        <select id="nodeVersion" name="nodeVersion" defaultValue={project.nodeVersion} style={{ width: "auto" }}>
          {NODE_VERSIONS.map((v) => (
            <option key={v} value={v}>
              {v}.x
            </option>
          ))}
        </select>
      </ValidatedForm>
      <h2>Delete project</h2>
      <section className="panel">
        <p>Removes every deployment, URL, variable and cache of {project.name}. This cannot be undone.</p>
        <ActionForm action={deleteProject} label="Delete project" busyLabel="Deleting…" danger refusal={asOwner}>
          {hidden}
          <label htmlFor="confirm">Type {project.name} to confirm</label>
          <input id="confirm" name="confirm" type="text" autoComplete="off" required />
          <p />
        </ActionForm>
      </section>
    </>
  );
}
