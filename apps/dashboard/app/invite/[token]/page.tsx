import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { ActionForm } from "../../../components/action-form";
import { acceptInvitation } from "../../team/actions";

export const metadata: Metadata = { title: "Invitation" };

/** An invitation link: a new user signs up with it, a signed-in one accepts it. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const signedIn = (await cookies()).has("better-auth.session_token");
  return (
    <section className="panel" style={{ maxWidth: 560 }}>
      <h1>Join a team</h1>
      {signedIn ? (
        <ActionForm action={acceptInvitation} label="Accept invitation" busyLabel="Joining…" primary>
          <input type="hidden" name="token" value={token} />
        </ActionForm>
      ) : (
        <p>
          <Link href={`/sign-up?invitation=${encodeURIComponent(token)}`}>Create an account</Link> to join, or{" "}
          <Link href="/sign-in">sign in</Link> and open this link again.
        </p>
      )}
      <p>
        <Link href="/">Go to the sites</Link>
      </p>
    </section>
  );
}
