import { relayToApi } from "../../../lib/api-relay";

// Every call is the API's answer of the moment: nothing here is prerendered or cached.
export const dynamic = "force-dynamic";

const relay = (request: Request) => relayToApi(request, process.env.SLIPWAY_API_URL);

export const GET = relay;
export const HEAD = relay;
export const POST = relay;
export const PUT = relay;
export const PATCH = relay;
export const DELETE = relay;
export const OPTIONS = relay;
