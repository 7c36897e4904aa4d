import { cookies } from "next/headers";
import { TOKEN_COOKIE } from "../../lib/session";

/**
 * A form POST (never a GET a link or prefetch could trigger): forgets the token and ends the
 * better-auth session (its own sign-out, same origin), then goes to sign-in.
 */
export async function POST(request: Request) {
  const jar = await cookies();
  jar.delete(TOKEN_COOKIE);
  const cookie = request.headers.get("cookie");
  const origin = request.headers.get("origin");
  if (cookie && origin) {
    await fetch(new URL("/api/auth/sign-out", origin), { method: "POST", headers: { cookie, origin } }).catch(
      () => null,
    );
  }
  for (const name of ["better-auth.session_token", "better-auth.session_data"]) jar.delete(name);
  return new Response(null, { status: 303, headers: { location: "/sign-in" } });
}
