import type { Metadata } from "next";
import Link from "next/link";
import { LineChart } from "../../../../components/line-chart";
import { api, read } from "../../../../lib/api";

export const metadata: Metadata = { title: "Metrics" };

const WINDOWS = ["1h", "24h", "7d"] as const;

/** A site's requests, latency percentiles, error rate and cold starts over 1 h, 24 h or 7 d. */
export default async function MetricsPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ since?: string }>;
}) {
  const { name } = await params;
  const asked = (await searchParams).since;
  const since = WINDOWS.find((w) => w === asked) ?? "1h";
  const metrics = await read(
    (await api()).GET("/api/v1/projects/{name}/metrics", { params: { path: { name }, query: { since } } }),
  );
  const { summary, series } = metrics;
  // UTC, as the API answers: minutes for a day or less, day and hour for a week.
  const label = (start: number) => {
    const iso = new Date(start).toISOString();
    return since === "7d" ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
  };
  const labels = series.map((p) => label(p.start));
  const busy = series.filter((p) => p.requests > 0);
  const ms = (v: number | null) => (v === null ? "—" : `${Math.round(v)} ms`);
  return (
    <>
      <nav className="tabs" aria-label="Window">
        {WINDOWS.map((w) => (
          <Link key={w} href={`?since=${w}`} aria-current={w === since ? "page" : undefined}>
            {w}
          </Link>
        ))}
      </nav>
      <h2>Totals over {since}</h2>
      <dl className="facts">
        <dt>Requests</dt>
        <dd>{summary.requests}</dd>
        <dt>Errors</dt>
        <dd>
          {summary.errors} ({(summary.errorRate * 100).toFixed(1)} %)
        </dd>
        <dt>Latency</dt>
        <dd>
          p50 {ms(summary.p50)} · p95 {ms(summary.p95)} · p99 {ms(summary.p99)}
        </dd>
        <dt>Cold starts</dt>
        <dd>{summary.coldStarts}</dd>
      </dl>
      {summary.requests === 0 ? (
        <p className="panel">No requests in the last {since}: charts fill in as the site gets traffic.</p>
      ) : (
        <>
          <LineChart
            title="Requests"
            unit="requests"
            labels={labels}
            lines={[{ name: "requests", values: series.map((p) => p.requests) }]}
          />
          <LineChart
            title="Latency"
            unit="ms"
            labels={labels}
            lines={[
              { name: "p50", values: series.map((p) => p.p50) },
              { name: "p95", values: series.map((p) => p.p95), dash: "6 3" },
              { name: "p99", values: series.map((p) => p.p99), dash: "2 3" },
            ]}
          />
          <LineChart
            title="Error rate"
            unit="%"
            labels={labels}
            lines={[{ name: "error rate", values: series.map((p) => (p.requests > 0 ? p.errorRate * 100 : null)) }]}
          />
          <LineChart
            title="Cold starts"
            unit="cold starts"
            labels={labels}
            lines={[{ name: "cold starts", values: series.map((p) => p.coldStarts) }]}
          />
          <details>
            <summary>The numbers, per step with traffic ({busy.length})</summary>
            <table className="stack">
              <caption className="skip">Metrics per step (UTC)</caption>
              <thead>
                <tr>
                  <th scope="col">From (UTC)</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Errors</th>
                  <th scope="col">p50</th>
                  <th scope="col">p95</th>
                  <th scope="col">p99</th>
                  <th scope="col">Cold starts</th>
                </tr>
              </thead>
              <tbody>
                {busy.map((p) => (
                  <tr key={p.start}>
                    <td data-label="From">{label(p.start)}</td>
                    <td data-label="Requests">{p.requests}</td>
                    <td data-label="Errors">{p.errors}</td>
                    <td data-label="p50">{ms(p.p50)}</td>
                    <td data-label="p95">{ms(p.p95)}</td>
                    <td data-label="p99">{ms(p.p99)}</td>
                    <td data-label="Cold starts">{p.coldStarts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </>
  );
}
