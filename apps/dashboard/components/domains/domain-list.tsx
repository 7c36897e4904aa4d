import type { DomainView } from "@slipway/client";
import { verifyDomain } from "../../app/domains/actions";
import { ActionForm } from "../action-form";
import { CopyButton } from "./copy-button";
import { RefreshWhile } from "./refresh-while";
import { RemoveDomain } from "./remove-domain";

const STATUS_TEXT: Record<DomainView["status"], string> = {
  pending: "pending: set the DNS records, then verify",
  verified: "verified: waiting for its certificate",
  issuing: "issuing a certificate",
  active: "active",
  failed: "failed",
};

/** Each domain with its status and reason, its certificate, the DNS records to set, Verify and Remove. */
export function DomainList({ domains, showProject }: { domains: DomainView[]; showProject: boolean }) {
  // Verified and issuing move on by themselves: follow them until they settle.
  const moving = domains.some((d) => d.status === "verified" || d.status === "issuing");
  return (
    <>
      <RefreshWhile active={moving} />
      {domains.map((d) => (
        <section key={d.hostname} className="panel domain" aria-labelledby={`domain-${d.hostname}`}>
          <div className="row spread">
            <h3 id={`domain-${d.hostname}`} style={{ margin: 0 }}>
              {d.hostname}
            </h3>
            <span className={`badge d-${d.status}`}>{STATUS_TEXT[d.status]}</span>
          </div>
          {d.reason ? (
            <p className={d.status === "failed" ? "field-error" : "muted"}>
              <strong>Reason:</strong> {d.reason}
            </p>
          ) : null}
          <p className="muted">
            {showProject ? (
              <>
                Site <a href={`/sites/${d.project}/domains`}>{d.project}</a> ·{" "}
              </>
            ) : null}
            {d.redirectTo ? <>Redirects to {d.redirectTo} · </> : null}
            {d.certificate ? (
              <>
                Certificate valid until{" "}
                <time dateTime={d.certificate.notAfter}>{d.certificate.notAfter.slice(0, 10)}</time>
              </>
            ) : (
              "No certificate yet"
            )}
          </p>
          <h4>DNS records to set</h4>
          <table className="stack">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">What for</th>
              </tr>
            </thead>
            <tbody>
              {d.records.map((r) => (
                <tr key={`${r.type}:${r.name}:${r.value}`}>
                  <td data-label="Type">{r.type}</td>
                  <td data-label="Name">
                    <code>{r.name}</code>
                  </td>
                  <td data-label="Value">
                    <code className="wrap">{r.value}</code>{" "}
                    <CopyButton value={r.value} label={`${r.type} value of ${r.name}`} />
                  </td>
                  <td data-label="What for">{r.purpose}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            {d.status === "active" ? null : (
              <ActionForm action={verifyDomain} label={`Verify ${d.hostname}`} busyLabel="Checking DNS…" primary>
                <input type="hidden" name="hostname" value={d.hostname} />
                <input type="hidden" name="project" value={d.project} />
              </ActionForm>
            )}
            <RemoveDomain hostname={d.hostname} project={d.project} />
          </div>
        </section>
      ))}
    </>
  );
}
