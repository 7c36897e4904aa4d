import { api } from "../../../../../lib/api";
import { filterQuery, parseLogFilters } from "../filters";

/**
 * The runtime log's live tail (Server-Sent Events), relayed from the API with the browser's
 * credentials: an EventSource cannot send an Authorization header. `Last-Event-ID` (or `after`)
 * resumes where it stopped, so the tail goes on when the API ends a stream at its time limit.
 */
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const search = new URL(request.url).searchParams;
  const filters = filterQuery(parseLogFilters(Object.fromEntries(search)));
  const after = search.get("after") ?? "";
  const lastEventId = request.headers.get("last-event-id");
  const query = new URLSearchParams({ follow: "1", ...filters, ...(/^\d+$/.test(after) ? { after } : {}) });
  const client = await api();
  const { response } = await client.GET("/api/v1/projects/{name}/logs", {
    params: { path: { name } },
    headers: {
      accept: "text/event-stream",
      ...(lastEventId && /^\d+$/.test(lastEventId) ? { "last-event-id": lastEventId } : {}),
    },
    querySerializer: () => query.toString(),
    parseAs: "stream",
    signal: request.signal,
  });
  return new Response(response.body, {
    status: response.status,
    headers: { "content-type": response.headers.get("content-type") ?? "text/plain", "cache-control": "no-store" },
  });
}
