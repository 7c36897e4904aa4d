import { SlipwayError, type Store } from "@slipway/core";
import { Hono } from "hono";
import { hashToken } from "../auth.ts";
import type { Auth } from "./better-auth.ts";
import { acceptInvitation, openInvitation } from "./invitations.ts";

/**
 * better-auth's routes under /api/auth (sign-up/email, sign-in/email, sign-out, get-session, …),
 * with Slipway's sign-up policy in front: open on a fresh platform (the first user becomes its
 * owner), afterwards only with an invitation (`?invitation=<token>`) unless sign-up is open.
 */
export function authRoutes(store: Store, auth: Auth, openSignUp: boolean) {
  return (
    new Hono()
      .post("/sign-up/email", async (c) => {
        const token = c.req.query("invitation");
        const invitation = token ? await openInvitation(store, hashToken(token)) : null;
        if (token && !invitation) throw invitationInvalid();
        if (!invitation && !openSignUp && (await store.teams.count()) > 0) {
          throw new SlipwayError(
            "SIGN_UP_CLOSED",
            "Sign-up on this platform is by invitation.",
            "Open the invitation link a team owner sent you, or ask for one.",
          );
        }
        const response = await auth.handler(c.req.raw);
        if (invitation && response.ok) {
          const body = (await response.clone().json()) as { user?: { id?: string } };
          if (body.user?.id) await acceptInvitation(store, invitation, body.user.id);
        }
        return response;
      })
      // The routes the dashboard and the documentation use; better-auth's others stay unmounted.
      .post("/sign-in/email", (c) => auth.handler(c.req.raw))
      .post("/sign-out", (c) => auth.handler(c.req.raw))
      .get("/get-session", (c) => auth.handler(c.req.raw))
  );
}

export function invitationInvalid(): SlipwayError {
  return new SlipwayError(
    "INVITATION_INVALID",
    "The invitation link is not valid: it was used, revoked or has expired.",
    "Ask a team owner for a new link.",
  );
}
