import type { Metadata } from "next";
import { ActionForm } from "../../components/action-form";
import { signIn } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <section className="panel" style={{ maxWidth: 560 }}>
      <h1>Sign in</h1>
      <p className="muted">
        Use an API token of this platform: the admin token is in <code>.slipway/admin-token</code> after{" "}
        <code>npm start</code>.
      </p>
      <ActionForm action={signIn} label="Sign in" busyLabel="Signing in…" primary>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" required />
        <p />
      </ActionForm>
    </section>
  );
}
