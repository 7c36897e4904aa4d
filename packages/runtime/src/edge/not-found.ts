import { escapeHtml } from "../function-host/error-page.ts";

/** What an unknown host gets: say which host we saw, since a typo'd subdomain is the usual cause. */
export function unknownHostPage(host: string, requestId: string): Buffer {
  const h = escapeHtml(host || "(no Host header)");
  return Buffer.from(
    `<!doctype html><html><head><meta charset="utf-8"><title>404: no deployment for ${h}</title></head>` +
      `<body style="font-family:system-ui;margin:4rem"><h1>404: Not found</h1>` +
      `<p>No deployment is served at <strong>${h}</strong>.</p>` +
      `<p>Check the URL, or list this project's deployments with <code>slipway deployments</code>.</p>` +
      `<p><small>Request id: <code>${escapeHtml(requestId)}</code></small></p></body></html>\n`,
  );
}
