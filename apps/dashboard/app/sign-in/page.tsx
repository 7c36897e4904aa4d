import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "../../components/action-form";
import { AuthForm } from "../../components/auth-form";
import { signIn } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <section className="panel" style={{ maxWidth: 560 }}>
      <h1>Sign in</h1>
      <AuthForm mode="sign-in" />
      <p>
        New here? <Link href="/sign-up">Create an account</Link> (the first one owns the platform).
      </p>
      <details>
        <summary>Sign in with an API token</summary>
        <p className="muted">
          The admin token is in <code>.slipway/admin-token</code> after <code>npm start</code>.
        </p>
        <ActionForm action={signIn} label="Sign in with token" busyLabel="Signing in…">
          <label htmlFor="token">API token</label>
          <input id="token" name="token" type="password" autoComplete="off" required />
          <p />
        </ActionForm>
      </details>
    </section>
  );
}
