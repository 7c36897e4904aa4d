import { type ApiErrorView, createSlipwayClient, type SlipwayClient } from "@slipway/client";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { FormProblems } from "./forms";
import { TOKEN_COOKIE } from "./session";

/**
 * The platform that serves this app in its own process leaves its API's fetch here: a call then
 * goes through the same routes and auth as an HTTP request, without a socket. Run on its own
 * (next dev), the app calls the API over HTTP at SLIPWAY_API_URL.
 */
const IN_PROCESS_API = Symbol.for("slipway.dashboard.apiFetch");
type ApiFetch = (request: Request) => Promise<Response>;

function apiFetch(): ApiFetch | undefined {
  return (globalThis as { [IN_PROCESS_API]?: ApiFetch })[IN_PROCESS_API];
}

/** A client that acts as the signed-in browser: its session cookie and its token, nothing more. */
export async function api(): Promise<SlipwayClient> {
  const jar = await cookies();
  const incoming = await headers();
  const forwarded: Record<string, string> = {};
  const cookie = incoming.get("cookie");
  if (cookie) forwarded.cookie = cookie;
  // A write with a session cookie must come from the platform's own origin: the browser's
  // Origin (a server action's POST carries it; Next checked it against the Host) goes along.
  const origin = incoming.get("origin");
  if (origin) forwarded.origin = origin;
  const token = jar.get(TOKEN_COOKIE)?.value;
  if (token) forwarded.authorization = `Bearer ${token}`;
  const inProcess = apiFetch();
  const host = incoming.get("host");
  return createSlipwayClient({
    baseUrl: inProcess ? `http://${host ?? "127.0.0.1"}` : (process.env.SLIPWAY_API_URL ?? "http://127.0.0.1:7300"),
    headers: forwarded,
    ...(inProcess ? { fetch: inProcess } : {}),
  });
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorView,
  ) {
    super(body.hint ? `${body.message} ${body.hint}` : body.message);
  }
}

/** What an openapi-fetch call resolves to: the answer's JSON (its generated type), or an error. */
export type Answer = { data?: unknown; error?: unknown; response: Response };
/** The generated type of a call's successful answer. */
export type DataOf<A extends Answer> = NonNullable<A["data"]>;

/**
 * Unwraps a call for a page: signed out goes to sign-in, a missing thing is the not-found page,
 * any other refusal throws for the error boundary. The answer keeps the route's generated type.
 */
export async function read<A extends Answer>(call: Promise<A>): Promise<DataOf<A>> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined && data !== null) return data;
  if (response.status === 401) redirect("/sign-in");
  if (response.status === 404) notFound();
  throw new ApiError(response.status, error as ApiErrorView);
}

/**
 * An action's outcome, shown beside the button or form that asked; `fields` holds a message per
 * form field the shared schema refused, shown next to that field.
 */
export type Outcome =
  | { ok: true; message: string }
  | { ok: false; message: string; fields?: Record<string, string> }
  | null;

/**
 * Unwraps a call for a server action: a refusal becomes the outcome's message, never a throw. The
 * success message may quote the answer (a token or a link shown once).
 */
export async function act<A extends Answer>(
  call: Promise<A>,
  success: string | ((data: DataOf<A>) => string),
): Promise<Outcome> {
  const { data, error, response } = await call;
  if (response.ok) {
    if (typeof success === "string") return { ok: true, message: success };
    if (data !== undefined && data !== null) return { ok: true, message: success(data) };
    return { ok: false, message: `The API answered ${response.status} without the answer this form shows.` };
  }
  if (response.status === 401) redirect("/sign-in");
  const body = error as ApiErrorView;
  return { ok: false, message: body.hint ? `${body.message} ${body.hint}` : body.message };
}

/** A form the shared schema refused: the first problem beside the button, each field's next to it. */
export function refused(problems: FormProblems): Outcome {
  return { ok: false, message: problems.summary, fields: problems.fields };
}
