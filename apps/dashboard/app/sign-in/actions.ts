"use server";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { api, type Outcome } from "../../lib/api";
import { TOKEN_COOKIE } from "../../lib/session";

const signInForm = z.object({ token: z.string().trim().min(1, "Paste an API token") });

/** Checks the token against the API before keeping it: a wrong one is refused here, by name. */
export async function signIn(_previous: Outcome, form: FormData): Promise<Outcome> {
  const parsed = signInForm.safeParse({ token: form.get("token") });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? "Paste an API token" };
  const client = await api();
  const { response } = await client.GET("/api/v1/projects", {
    headers: { authorization: `Bearer ${parsed.data.token}`, cookie: "" },
  });
  if (response.status === 401) return { ok: false, message: "That token is not valid on this platform." };
  if (!response.ok) return { ok: false, message: `The API answered ${response.status}; try again.` };
  (await cookies()).set(TOKEN_COOKIE, parsed.data.token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 30,
  });
  redirect("/");
}
