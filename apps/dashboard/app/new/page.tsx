import type { Metadata } from "next";
import { FieldError, ValidatedForm } from "../../components/validated-form";
import { createProject } from "./actions";

export const metadata: Metadata = { title: "New project" };

export default function NewProjectPage() {
  return (
    <>
      <h1>New project</h1>
      <p className="muted">
        From a git repository Slipway can clone (https, or a local path on this machine). After creating it you get the
        webhook to add on GitHub, so every push deploys.
      </p>
      <ValidatedForm form="createProject" action={createProject} label="Create project" busyLabel="Creating…">
        <label htmlFor="name">Name (becomes the hostname: lowercase letters, digits, hyphens)</label>
        <input id="name" name="name" type="text" required autoComplete="off" aria-describedby="name-error" />
        <FieldError name="name" id="name-error" />
        <label htmlFor="repo">Repository URL</label>
        <input
          id="repo"
          name="repo"
          type="text"
          required
          placeholder="https://github.com/acme/shop.git"
          aria-describedby="repo-error"
        />
        <FieldError name="repo" id="repo-error" />
        <label htmlFor="branch">Production branch (default: main)</label>
        <input id="branch" name="branch" type="text" placeholder="main" />
        <label htmlFor="rootDir">Root directory (default: the repository root)</label>
        <input id="rootDir" name="rootDir" type="text" placeholder="apps/web" />
      </ValidatedForm>
    </>
  );
}
