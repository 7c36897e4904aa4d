import type { Hono } from "hono";

export const ORIGIN = "http://127.0.0.1:7300";

/** A signed-in user of the API under test: their session cookie, and request helpers that send it. */
export interface TestUser {
  id: string;
  email: string;
  cookie: string;
  /** A same-origin request with the session cookie (and JSON body when given). */
  request(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
}

/** Signs up through better-auth's own route (`invitation`: the token of an invitation link). */
export async function signUp(app: Hono, email: string, invitation?: string): Promise<TestUser> {
  const query = invitation ? `?invitation=${encodeURIComponent(invitation)}` : "";
  const response = await app.request(`/api/auth/sign-up/email${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ email, password: "correct horse battery", name: email.split("@")[0] }),
  });
  if (!response.ok) throw new Error(`sign-up of ${email}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string } };
  return asUser(app, body.user.id, email, sessionCookie(response));
}

export async function signIn(app: Hono, email: string, password = "correct horse battery"): Promise<Response> {
  return app.request("/api/auth/sign-in/email", {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN },
    body: JSON.stringify({ email, password }),
  });
}

export function sessionCookie(response: Response): string {
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0] as string);
  const session = cookies.filter((c) => c.includes("session_token"));
  if (session.length === 0) throw new Error(`no session cookie in ${JSON.stringify(cookies)}`);
  return session.join("; ");
}

export function asUser(app: Hono, id: string, email: string, cookie: string): TestUser {
  return {
    id,
    email,
    cookie,
    request: async (path, init = {}) =>
      app.request(path, {
        method: init.method ?? "GET",
        headers: {
          cookie,
          origin: ORIGIN,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      }),
  };
}
