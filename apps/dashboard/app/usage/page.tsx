import type { Metadata } from "next";

export const metadata: Metadata = { title: "Usage" };

// The place issue 13 fills with requests, build minutes and the projected cost.
export default function UsagePage() {
  return (
    <section className="panel">
      <h1>Usage</h1>
      <p>Requests, build minutes and the projected cost come with issue 13.</p>
    </section>
  );
}
