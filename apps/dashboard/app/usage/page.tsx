import type { Metadata } from "next";
import Link from "next/link";
import { api, read } from "../../lib/api";
import { ActualCost, readActualCost } from "./actual-cost";

export const metadata: Metadata = { title: "Usage" };

const WINDOWS = ["24h", "7d", "30d"] as const;
/** The bill has whole UTC days: a window is that many of the last full days. */
const WINDOW_DAYS: Record<(typeof WINDOWS)[number], number> = { "24h": 1, "7d": 7, "30d": 30 };

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toFixed(6) : n.toFixed(2)}`;
const count = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 3 });

/** What a site used over a window and what the same traffic would cost on AWS, line by line. */
export default async function UsagePage({
  searchParams,
}: {
  searchParams: Promise<{ site?: string; since?: string }>;
}) {
  const wanted = await searchParams;
  const since = WINDOWS.find((w) => w === wanted.since) ?? "30d";
  const client = await api();
  const projects = await read(client.GET("/api/v1/projects"));
  const site = projects.find((p) => p.name === wanted.site) ?? projects[0];
  if (!site) {
    return (
      <section className="panel">
        <h1>Usage</h1>
        <p>
          No sites yet: <Link href="/new">create one</Link>, and its usage and projected cost show here.
        </p>
      </section>
    );
  }
  const report = await read(
    client.GET("/api/v1/projects/{name}/usage", { params: { path: { name: site.name }, query: { since } } }),
  );
  const { usage, cost } = report;
  // On AWS, what the bill says; absent on a local platform, which has only the projection below.
  const actual = await readActualCost(client, site.name, WINDOW_DAYS[since]);
  return (
    <>
      <h1>Usage</h1>
      <form className="row" aria-label="Choose the site and window">
        <label className="inline" htmlFor="site">
          Site
        </label>
        <select id="site" name="site" defaultValue={site.name} style={{ width: "auto" }}>
          {projects.map((p) => (
            <option key={p.id}>{p.name}</option>
          ))}
        </select>
        <label className="inline" htmlFor="since">
          Window
        </label>
        <select id="since" name="since" defaultValue={since} style={{ width: "auto" }}>
          {WINDOWS.map((w) => (
            <option key={w}>{w}</option>
          ))}
        </select>
        <button type="submit">Show</button>
      </form>
      <section className="panel">
        <h2 style={{ marginTop: 0 }}>
          {site.name} over the last {since}
        </h2>
        <dl className="facts">
          <dt>Requests</dt>
          <dd>{count(usage.requests)}</dd>
          <dt>Function invocations</dt>
          <dd>{count(usage.invocations)}</dd>
          <dt>Function compute</dt>
          <dd>{count(usage.gbSeconds)} GB-s</dd>
          <dt>Bytes out</dt>
          <dd>{count(usage.bytesOut)}</dd>
          <dt>Stored assets</dt>
          <dd>{count(usage.storageBytes)} bytes</dd>
          <dt>Errors · cold starts</dt>
          <dd>
            {count(usage.errors)} · {count(usage.coldStarts)}
          </dd>
        </dl>
      </section>
      {actual ? <ActualCost report={actual} /> : null}
      <h2>Projected AWS cost</h2>
      <p>
        <strong>{usd(cost.windowUsd)}</strong> for these {since}, about <strong>{usd(cost.monthlyUsd)}</strong> a month
        at this rate, in {cost.region} at the prices of {cost.pricesDate}.
      </p>
      <table className="stack">
        <caption className="skip">Projected AWS cost per line item</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Item</th>
            <th scope="col">Quantity</th>
            <th scope="col">Cost (USD)</th>
          </tr>
        </thead>
        <tbody>
          {cost.lines.map((line) => (
            <tr key={`${line.service} ${line.item}`}>
              <td data-label="Service">{line.service}</td>
              <td data-label="Item">{line.item}</td>
              <td data-label="Quantity">
                {count(line.quantity)} {line.unit}
              </td>
              <td data-label="Cost">{usd(line.usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        A projection from the traffic measured here, with static requests counted as S3 reads as if CloudFront cached
        nothing: an upper bound, not a bill.
      </p>
    </>
  );
}
