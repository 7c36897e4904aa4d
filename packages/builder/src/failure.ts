/**
 * An expected way for a build to end badly (the user's code, lockfile or repository), carried as
 * an exception only inside the pipeline; the entry point turns it into `{ ok: false, reason }`.
 */
export class BuildFailure extends Error {
  override readonly name = "BuildFailure";
}

/** One line of a step's output and its number in the build log (null: cut by the log's size cap). */
export interface NumberedLine {
  readonly line: number | null;
  readonly text: string;
}

/**
 * The cause of a failed step in one line, from its output: the first line of the most specific
 * kind found (a missing module beats npm's "Lifecycle script failed" summary, and both beat the
 * wrappers OpenNext and Next print around them), with the log line number so a user can jump to
 * it. Null when nothing reads like an error.
 */
export function explainFailure(output: readonly NumberedLine[]): string | null {
  const lines = output.map((l) => ({ line: l.line, text: stripAnsi(l.text).trim() })).filter((l) => l.text.length > 0);
  for (const cause of CAUSES) {
    const index = lines.findIndex((l) => cause.test.test(l.text) && !WRAPPER.test(l.text));
    if (index === -1) continue;
    const hit = lines[index] as Clean;
    return withLineNumber(shorten(cause.describe?.(hit.text, lines, index) ?? hit.text), hit.line);
  }
  const generic = lines.find(
    (l) => /\b(error|ERR!|failed|cannot|can't)\b/i.test(l.text) && !NOISE.test(l.text) && !WRAPPER.test(l.text),
  );
  return generic ? withLineNumber(shorten(generic.text), generic.line) : null;
}

type Clean = { line: number | null; text: string };

interface Cause {
  test: RegExp;
  /** Rewrites the hit with what the lines around it add (the file, the host, the page). */
  describe?(text: string, lines: readonly Clean[], index: number): string;
}

// Most specific first. Each names a cause a user can act on; order matters only when one build
// prints several (a missing module also fails the type check that follows it).
const CAUSES: Cause[] = [
  // OpenNext: "app/og/route cannot use the edge runtime." inside a banner of dashes.
  { test: /\S+ cannot use the edge runtime/, describe: (text) => text.replace(/\.$/, "") },
  { test: /Module not found|Cannot find module '[^']+'|Can't resolve '[^']+'/, describe: withLocation },
  {
    // next/font: "Failed to fetch `Inter` from Google Fonts." or "Failed to fetch font `Inter`: URL".
    test: /Failed to fetch (font\b|`[^`]+` from Google Fonts)/,
    describe: (text) => (text.includes("next/font") ? text : `next/font: ${text.replace(/^Error: /, "")}`),
  },
  { test: /^Type error:/, describe: withLocation },
  {
    // Node's fetch says only "fetch failed"; the host is in the `[cause]` a few lines below.
    test: /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|CERT_\w+|SELF_SIGNED_CERT\w*)\b|self[- ]signed certificate/,
    describe: networkCause,
  },
  { test: /^TypeError: fetch failed/, describe: networkCause },
  { test: /SyntaxError/ },
  // npm: "npm error code E404" says less than the line after it ("404 Not Found - GET URL").
  {
    test: /^npm (error|ERR!) (?!code\b|errno\b)(?=\S)/,
    describe: (text) => text.replace(/^npm (error|ERR!) /, "npm: "),
  },
  { test: /^npm (error|ERR!) code / },
  { test: /ERR_PNPM_\w+/ },
  { test: /^Error: \S/, describe: (text) => text.replace(/^Error: /, "") },
  { test: /^error / },
  // git: "fatal: repository 'https://…' not found", "fatal: could not read Username for …".
  { test: /^fatal: / },
];

// Lines that wrap a cause without naming it: Next's and OpenNext's summaries, npm's epilogue,
// Node's quote of the throwing source line (`throw new Error(\``) and stack frames.
const WRAPPER =
  /Command failed:|Turbopack build failed|Failed to compile\.?$|Build failed because of|Build error occurred|Export encountered an error|Next\.js build worker exited|Lifecycle script|^npm (error|ERR!) (path|command|workspace|location|A complete log|$)|\bthrow new \w*Error\(|^\^+$|^at .+:\d+:\d+\)?$|^at .+ \(.+\)$/i;

const NOISE = /^[-=]{10,}$/;

/** `./app/page.js:2:1` on one of the three lines above names the file the compiler blames. */
function withLocation(text: string, lines: readonly Clean[], index: number): string {
  const cause = text.replace(/^Error: /, "");
  for (let i = index - 1; i >= Math.max(0, index - 3); i--) {
    const location = /^(\.?\.?\/?[\w@./[\]()-]+\.[cm]?[jt]sx?(:\d+){1,2})$/.exec((lines[i] as Clean).text)?.[1];
    if (location) return `${cause} (${location})`;
  }
  return cause;
}

/** "fetch failed: getaddrinfo ENOTFOUND api.example.com (prerendering /)", from Node's error dump. */
function networkCause(text: string, lines: readonly Clean[], index: number): string {
  const window = lines.slice(Math.max(0, index - 8), index + 8).map((l) => l.text);
  const code = window
    .map(
      (l) =>
        /(getaddrinfo \w+ \S+|connect \w+ \S+|\b(?:ENOTFOUND|ECONNREFUSED|ETIMEDOUT)\b \S+|self[- ]signed certificate[\w ]*)/.exec(
          l,
        )?.[1],
    )
    .find((m) => m !== undefined);
  const detail = code ?? text.replace(/^(\[cause\]: )?(Error|TypeError): /, "");
  const fetched = window.some((l) => /fetch failed/.test(l));
  const page = window.map((l) => /prerendering page "([^"]+)"/.exec(l)?.[1]).find((p) => p !== undefined);
  return `${fetched ? "fetch failed: " : ""}${detail.replace(/[,']+$/, "")}${page ? ` (prerendering ${page})` : ""}`;
}

function withLineNumber(text: string, line: number | null): string {
  return line === null ? text : `${text} (log line ${line})`;
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

function shorten(raw: string): string {
  // "Error: Module not found: ..." reads better as "Module not found: ..." after "failed (exit 1):".
  const line = raw.replace(/^Error: (?=\S)/, "");
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
