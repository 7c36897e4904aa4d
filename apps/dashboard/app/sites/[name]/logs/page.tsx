import type { Metadata } from "next";
import { RuntimeLog } from "../../../../components/runtime-log";
import { api, read } from "../../../../lib/api";
import { age } from "../../../../lib/format";
import { filterQuery, KINDS, parseLogFilters, STATUS_CLASSES, WINDOWS } from "./filters";

export const metadata: Metadata = { title: "Runtime logs" };

/** A site's request and function log with a live tail and filters, and its errors grouped by message. */
export default async function LogsPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { name } = await params;
  const filters = parseLogFilters(await searchParams);
  const query = filterQuery(filters);
  const client = await api();
  const [entries, groups] = await Promise.all([
    read(client.GET("/api/v1/projects/{name}/logs", { params: { path: { name }, query: { ...query, limit: "200" } } })),
    read(
      client.GET("/api/v1/projects/{name}/errors", {
        params: { path: { name }, query: { since: filters.since ?? "24h" } },
      }),
    ),
  ]);
  const select = (id: string, label: string, values: readonly string[], current: string | undefined) => (
    <>
      <label className="inline" htmlFor={id}>
        {label}
      </label>
      <select id={id} name={id} defaultValue={current ?? ""} style={{ width: "auto" }}>
        <option value="">all</option>
        {values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    </>
  );
  return (
    <>
      <form className="row" aria-label="Filter the runtime log">
        {select("kind", "Kind", KINDS, filters.kind)}
        {select("status", "Status", STATUS_CLASSES, filters.status)}
        {select("since", "Since", WINDOWS, filters.since)}
        <label className="inline" htmlFor="deployment">
          Deployment
        </label>
        <input
          id="deployment"
          name="deployment"
          defaultValue={filters.deployment ?? ""}
          placeholder="any"
          pattern="[a-z0-9]{1,40}"
          style={{ width: "12ch" }}
        />
        <button type="submit">Filter</button>
      </form>
      {/* A new filter is a new tail: the key starts it over from the server's entries. */}
      <RuntimeLog key={JSON.stringify(query)} site={name} query={query} initial={entries} />
      <h2>Errors</h2>
      {groups.length === 0 ? (
        <p className="panel">No errors in the last {filters.since ?? "24h"}.</p>
      ) : (
        groups.map((group) => (
          <details key={group.message} className="error-group">
            <summary>
              <strong>{group.message}</strong>{" "}
              <span className="muted">
                · {group.count} {group.count === 1 ? "time" : "times"} · last seen{" "}
                <time dateTime={group.lastAt} title={group.lastAt}>
                  {age(group.lastAt)}
                </time>{" "}
                · deployment {group.lastDeploymentId}
              </span>
            </summary>
            {group.stack ? (
              <pre className="log">{group.stack}</pre>
            ) : (
              <p className="muted">No stack recorded (a 5xx answer without a logged error).</p>
            )}
          </details>
        ))
      )}
    </>
  );
}
