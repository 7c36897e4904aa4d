import { type NextRequest, NextResponse } from "next/server";
import { TOKEN_COOKIE } from "./lib/session";

// better-auth's session cookie (plain, and __Secure- on HTTPS), once accounts land.
const SESSION_COOKIES = [TOKEN_COOKIE, "better-auth.session_token", "__Secure-better-auth.session_token"];

/**
 * A browser with no credential at all goes to sign-in with a real redirect, before any page
 * renders. Whether a credential is valid is the API's decision, on every call.
 * `/api/*` is the API's (relayed on AWS, see lib/api-relay.ts): it answers 401 itself.
 */
export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  return NextResponse.redirect(new URL("/sign-in", request.url));
}

export const config = {
  matcher: ["/((?!api/|sign-in|sign-up|invite/|_next/|favicon.ico).*)"],
};
