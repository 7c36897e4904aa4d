import type { Metadata } from "next";

export const metadata: Metadata = { title: "Domains" };

// The place issue 12 fills with custom domains and their certificates.
export default function DomainsPage() {
  return (
    <section className="panel">
      <h1>Domains</h1>
      <p>Custom domains with automatic HTTPS come with issue 12. Each site is reachable at its own URL meanwhile.</p>
    </section>
  );
}
