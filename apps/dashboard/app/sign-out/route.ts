import { cookies } from "next/headers";
import { TOKEN_COOKIE } from "../../lib/session";

/** A form POST (never a GET a link or prefetch could trigger) forgets the token and goes to sign-in. */
export async function POST() {
  (await cookies()).delete(TOKEN_COOKIE);
  return new Response(null, { status: 303, headers: { location: "/sign-in" } });
}
