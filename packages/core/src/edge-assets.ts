/**
 * Where an edge function's bundled asset (`next/og`'s font) lives inside its bundle folder.
 * Next 16 names them `server/edge/assets/Geist-Regular.….ttf` and fetches them as
 * `blob:<name>`; the builder renames them to this flat form before OpenNext copies them to
 * `assets/<name>` (it cannot create the folders in the name), and the edge wrapper reads them
 * back under the same name. One rule, used on both sides.
 */
export function flatAssetName(name: string): string {
  return name.replaceAll("/", "__");
}

/**
 * File the builder writes beside each edge function bundle: `{"path": "/hello/[name]"}`, the
 * route it serves, from which its wrapper passes dynamic params the way Next's edge code reads them.
 */
export const EDGE_ROUTE_FILE = "slipway-route.json";
