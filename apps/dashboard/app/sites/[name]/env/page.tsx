import type { Metadata } from "next";
import { ActionForm } from "../../../../components/action-form";
import { TargetChoices } from "../../../../components/target-choices";
import { FieldError, ValidatedForm } from "../../../../components/validated-form";
import { api, read } from "../../../../lib/api";
import { age } from "../../../../lib/format";
import { needsRole, roleInProject } from "../../../../lib/role";
import { importDotenv, removeVar, setVar } from "./actions";

export const metadata: Metadata = { title: "Environment variables" };

/** A site's variables per environment and branch; secrets show no value, ever. */
export default async function EnvPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const vars = await read((await api()).GET("/api/v1/projects/{name}/env", { params: { path: { name } } }));
  const asMember = needsRole(await roleInProject(name), "member");
  const project = <input type="hidden" name="project" value={name} />;
  return (
    <>
      <h2 style={{ marginTop: 0 }}>Environment variables</h2>
      {vars.length === 0 ? (
        <p className="panel">No variables yet. Add one below, or import a .env file.</p>
      ) : (
        <table className="stack">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">Environments</th>
              <th scope="col">Branch</th>
              <th scope="col">Updated</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {vars.map((v) => (
              <tr key={`${v.key}:${v.branch ?? ""}`}>
                <td data-label="Key">
                  <code>{v.key}</code>
                </td>
                <td data-label="Value">
                  {v.secret ? <span className="muted">secret (write-only)</span> : <code>{v.value}</code>}
                </td>
                <td data-label="Environments">{v.targets.join(", ")}</td>
                <td data-label="Branch">{v.branch ?? "all"}</td>
                <td data-label="Updated">{age(v.updatedAt)}</td>
                <td data-label="Actions">
                  <ActionForm
                    action={removeVar}
                    label={`Remove ${v.key}`}
                    busyLabel="Removing…"
                    danger
                    refusal={asMember}
                  >
                    {project}
                    <input type="hidden" name="key" value={v.key} />
                    <input type="hidden" name="branch" value={v.branch ?? ""} />
                  </ActionForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add or edit a variable</h2>
      <p className="muted">Saving a key that exists (for the same branch) replaces its value and environments.</p>
      <ValidatedForm form="envVar" action={setVar} label="Save variable" busyLabel="Saving…" refusal={asMember}>
        {project}
        <label htmlFor="env-key">Key</label>
        <input
          id="env-key"
          name="key"
          type="text"
          required
          autoComplete="off"
          pattern="[A-Za-z_][A-Za-z0-9_]*"
          aria-describedby="env-key-error"
        />
        <FieldError name="key" id="env-key-error" />
        <label htmlFor="env-value">Value</label>
        <textarea id="env-value" name="value" rows={2} style={{ minHeight: 0 }} />
        <TargetChoices idPrefix="env" />
        <label htmlFor="env-branch">Preview branch (optional: only deployments of this branch)</label>
        <input id="env-branch" name="branch" type="text" />
        <p>
          <label className="inline" htmlFor="env-secret">
            <input id="env-secret" type="checkbox" name="secret" /> Secret (write-only: never shown again)
          </label>
        </p>
      </ValidatedForm>
      <h2>Import a .env file</h2>
      <ActionForm action={importDotenv} label="Import" busyLabel="Importing…" refusal={asMember}>
        {project}
        <label htmlFor="env-file">File</label>
        <input id="env-file" name="file" type="file" accept=".env,text/plain" />
        <label htmlFor="env-dotenv">Or paste its lines</label>
        <textarea id="env-dotenv" name="dotenv" placeholder="KEY=value" />
        <TargetChoices idPrefix="import" />
        <p>
          <label className="inline" htmlFor="import-secret">
            <input id="import-secret" type="checkbox" name="secret" /> Import as secrets
          </label>
        </p>
      </ActionForm>
    </>
  );
}
