import { notFound } from "next/navigation";

// The places other issues fill: their pages replace this one, route by route.
const COMING = {
  domains: { title: "Domains", issue: 12, what: "custom domains with automatic HTTPS certificates" },
} as const;

export default async function ComingSection({ params }: { params: Promise<{ section: string }> }) {
  const { section } = await params;
  const page = COMING[section as keyof typeof COMING];
  if (!page) notFound();
  return (
    <section className="panel">
      <h2 style={{ marginTop: 0 }}>{page.title}</h2>
      <p>
        Not available yet: {page.what} come with issue {page.issue}. Until then the CLI shows what there is.
      </p>
    </section>
  );
}
