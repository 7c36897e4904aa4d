const TITLES: Record<number, string> = {
  404: "Not found",
  413: "Payload too large",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

/** A small HTML error page that names the request id, so a user can report it. */
export function errorPage(status: number, message: string, requestId: string): Buffer {
  const title = `${status} ${TITLES[status] ?? "Error"}`;
  return Buffer.from(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
      `<body style="font-family:system-ui;margin:4rem"><h1>${title}</h1><p>${escapeHtml(message)}</p>` +
      `<p><small>Request id: <code>${escapeHtml(requestId)}</code></small></p></body></html>\n`,
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
