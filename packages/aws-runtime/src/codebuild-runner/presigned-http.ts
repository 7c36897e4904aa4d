/** GET and PUT through presigned URLs with plain fetch: the build holds no AWS credentials. */

/** A presigned URL shown in a message: its query string is the credential. */
export const withoutQuery = (url: string) => url.replace(/\?.*$/, "?…");

/**
 * The object's bytes, or null when there is none (S3 answers a missing key behind a GET-only
 * presigned URL with 403, as the signer may not list). Bodies over `maxBytes` are refused.
 */
export async function getObject(url: string, maxBytes: number): Promise<Buffer | null> {
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (response.status === 404 || response.status === 403) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${withoutQuery(url)} answered ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`GET ${withoutQuery(url)}: ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`GET ${withoutQuery(url)}: more than the ${maxBytes} bytes allowed`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** One PUT with a known length (S3 refuses a presigned PUT in chunked encoding). */
export async function putObject(url: string, body: Buffer, contentType = "application/octet-stream"): Promise<void> {
  const response = await fetch(url, {
    method: "PUT",
    body,
    headers: { "content-type": contentType, "content-length": String(body.length) },
    signal: AbortSignal.timeout(600_000),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`PUT ${withoutQuery(url)} answered ${response.status}`);
}
