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
  // The API writes nothing until an entry comes; a comment first sends the headers at once, so
  // the browser's EventSource opens (and the page says "Live") on a quiet site too.
  const body = response.ok && response.body ? opened(response.body) : response.body;
  return new Response(body, {
    status: response.status,
    headers: { "content-type": response.headers.get("content-type") ?? "text/plain", "cache-control": "no-store" },
  });
}

const OPENING = new TextEncoder().encode(": open\n\n");

function opened(events: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      controller.enqueue(OPENING);
    },
  });
  // A browser that goes away cancels `readable`, which cancels the API's stream in turn.
  events.pipeTo(writable).catch(() => {});
  return readable;
}
