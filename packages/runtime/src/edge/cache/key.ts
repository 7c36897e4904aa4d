import type { IncomingHttpHeaders } from "node:http";

/**
 * Cache keys. An entry is found in two steps, like a CDN honouring `Vary`: the primary key
 * (deployment, path with query, the content coding the client accepts) names the resource; the
 * response's `Vary` list says which request headers pick the variant (Next varies pages on `rsc`
 * and the `next-router-*` headers, images on `Accept`).
 */
export function primaryKey(deploymentId: string, url: string, headers: IncomingHttpHeaders): string {
  return `${deploymentId} ${encodingOf(headers["accept-encoding"])} ${url}`;
}

export function variantKey(primary: string, vary: readonly string[], headers: IncomingHttpHeaders): string {
  let key = primary;
  for (const name of vary) key += `\n${name}:${normalized(name, headers[name])}`;
  return key;
}

type Coding = "br" | "gzip" | "identity";

/**
 * Clients send a handful of distinct `Accept-Encoding` values (one per browser): parsed once
 * each, not on every cache hit. Bounded, since the header is the client's to choose.
 */
const codings = new Map<string, Coding>();
const MAX_CODINGS = 64;

/** The coding the worker will pick for this client (br before gzip), so variants never mix. */
export function encodingOf(header: string | string[] | undefined): Coding {
  if (!header) return "identity";
  if (typeof header !== "string") return parseCoding(header.join(","));
  let coding = codings.get(header);
  if (coding === undefined) {
    coding = parseCoding(header);
    if (codings.size >= MAX_CODINGS) codings.clear();
    codings.set(header, coding);
  }
  return coding;
}

function parseCoding(header: string): Coding {
  const accepted = new Set<string>();
  for (const part of String(header).toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(name.trim());
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return "identity";
}

/**
 * `Accept` is long and differs per browser while the image function only distinguishes the
 * formats it can produce: key on the negotiated format, so browsers share entries.
 */
function normalized(name: string, value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(",") : (value ?? "");
  if (name === "accept-encoding") return encodingOf(text);
  if (name === "accept") return text.includes("image/avif") ? "avif" : text.includes("image/webp") ? "webp" : "";
  return text;
}

/**
 * The page a URL renders, for purges: `/_next/data/<build>/blog/a.json` (a Pages Router
 * client navigation) and `/blog/a?_rsc=…` (an App Router one) both belong to `/blog/a`.
 */
export function pageOf(url: string): string {
  const q = url.indexOf("?");
  let pathname = q < 0 ? url : url.slice(0, q);
  const data = /^\/_next\/data\/[^/]+(\/.*)\.json$/.exec(pathname);
  if (data?.[1]) pathname = data[1] === "/index" ? "/" : data[1];
  if (pathname.length > 1 && pathname.endsWith("/")) pathname = pathname.slice(0, -1);
  return pathname;
}

/**
 * The tags Next gives every page implicitly (`getImplicitTags`): `revalidatePath(p)` writes
 * `_N_T_<p>`, `revalidatePath(p, "layout")` the layout tag of `p`, which every page below carries.
 */
export function implicitTags(page: string): string[] {
  const tags = ["_N_T_/layout"];
  const segments = page.split("/").filter(Boolean);
  let prefix = "";
  for (const segment of segments) {
    prefix += `/${segment}`;
    tags.push(`_N_T_${prefix}/layout`);
  }
  tags.push(`_N_T_${prefix}/page`);
  tags.push(`_N_T_${page}`);
  if (page === "/") tags.push("_N_T_/index");
  return tags;
}
