import { api } from "../../../../lib/api";

/**
 * The build log's Server-Sent Events, relayed from the API with the browser's credentials (an
 * EventSource cannot send an Authorization header). `Last-Event-ID` resumes where it stopped.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const after = new URL(request.url).searchParams.get("after") ?? "";
  const lastEventId = request.headers.get("last-event-id");
  const client = await api();
  const { response } = await client.GET("/api/v1/deployments/{id}/logs", {
    params: { path: { id } },
    headers: { accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) },
    querySerializer: () => `follow=1${/^\d+$/.test(after) ? `&after=${after}` : ""}`,
    parseAs: "stream",
    signal: request.signal,
  });
  return new Response(response.body, {
    status: response.status,
    headers: { "content-type": response.headers.get("content-type") ?? "text/plain", "cache-control": "no-store" },
  });
}
