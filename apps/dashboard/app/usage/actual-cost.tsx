import type { SlipwayClient } from "@slipway/client";

interface CostReport {
  from: string;
  to: string;
  asOf: string | null;
  taggedUsd: number;
  sharedUsd: number;
  totalUsd: number;
  days: { date: string; taggedUsd: number; sharedUsd: number; totalUsd: number; invocations: number }[];
  rule: string;
}

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toFixed(6) : n.toFixed(2)}`;

/**
 * The site's actual cost from the AWS bill, when the platform has one (the cost route exists on
 * the AWS target only): null elsewhere, where the page shows the projection alone.
 */
export async function readActualCost(client: SlipwayClient, site: string, days: number): Promise<CostReport | null> {
  const { data, response } = await client.GET("/api/v1/projects/{name}/cost", {
    params: { path: { name: site }, query: { days: String(days) } },
  });
  return response.ok && data ? data : null;
}

/** Own and shared cost per day, the fetch time and how shared costs were split. */
export function ActualCost({ report }: { report: CostReport }) {
  return (
    <>
      <h2>AWS cost from the bill</h2>
      {report.asOf === null ? (
        <p>
          No costs fetched yet: Cost Explorer is read once a day at 07:00 UTC, and tagged costs appear about a day after
          the tags are activated.
        </p>
      ) : (
        <>
          <p>
            <strong>{usd(report.totalUsd)}</strong> from {report.from} to {report.to} (UTC days):{" "}
            {usd(report.taggedUsd)} for the site's own functions, {usd(report.sharedUsd)} as its share of the shared
            resources. Fetched {report.asOf}.
          </p>
          <table className="stack">
            <caption className="skip">Actual AWS cost per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Own (USD)</th>
                <th scope="col">Shared (USD)</th>
                <th scope="col">Total (USD)</th>
                <th scope="col">Invocations</th>
              </tr>
            </thead>
            <tbody>
              {report.days.map((day) => (
                <tr key={day.date}>
                  <td data-label="Day">{day.date}</td>
                  <td data-label="Own">{usd(day.taggedUsd)}</td>
                  <td data-label="Shared">{usd(day.sharedUsd)}</td>
                  <td data-label="Total">{usd(day.totalUsd)}</td>
                  <td data-label="Invocations">{day.invocations.toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p className="muted">{report.rule}</p>
    </>
  );
}
