import type { Metadata } from "next";
import Link from "next/link";
import { AuthForm } from "../../components/auth-form";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ invitation?: string }> }) {
  const { invitation } = await searchParams;
  return (
    <section className="panel" style={{ maxWidth: 560 }}>
      <h1>Create account</h1>
      {invitation ? <p>You were invited to a team: create your account to join it.</p> : null}
      <AuthForm mode="sign-up" {...(invitation ? { invitation } : {})} />
      <p>
        Have an account? <Link href="/sign-in">Sign in</Link>.
      </p>
    </section>
  );
}
