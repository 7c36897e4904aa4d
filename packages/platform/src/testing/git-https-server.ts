import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface GitHttpsServer {
  /** `https://127.0.0.1:<port>/<repo>` for a bare repository under `root`, without credentials. */
  url(repo: string): string;
  /** PEM of the self-signed certificate, for GIT_SSL_CAINFO. */
  caFile: string;
  /** Command lines of every process that held the token while git was talking to the server. */
  argvWithToken: string[];
  /** How many requests came with the right credential (proof git did authenticate). */
  authorized: number;
  /** Command lines that named this server (git's own processes): proof the scan saw git running. */
  gitCommandLines: string[];
  close(): Promise<void>;
}

/**
 * A git host over HTTPS with basic auth: `git http-backend` behind a Node server, as a real host
 * would serve it. On every authenticated request it reads /proc/<pid>/cmdline of every process,
 * while the git client waits for the answer, to catch a token on any command line.
 */
export async function startGitHttpsServer(options: {
  root: string;
  dir: string;
  username: string;
  password: string;
}): Promise<GitHttpsServer> {
  const caFile = join(options.dir, "cert.pem");
  const keyFile = join(options.dir, "key.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      caFile,
    ]),
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString("base64")}`;
  const state = { argvWithToken: [] as string[], gitCommandLines: [] as string[], authorized: 0 };
  let port = 0;

  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end();
      return;
    }
    state.authorized += 1;
    state.argvWithToken.push(...commandLinesContaining(options.password));
    state.gitCommandLines.push(...commandLinesContaining(`127.0.0.1:${port}`));
    const url = new URL(req.url ?? "/", "https://host");
    const cgi = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: "1",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        ...(req.headers["content-length"] ? { CONTENT_LENGTH: req.headers["content-length"] } : {}),
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        REMOTE_USER: options.username,
        REMOTE_ADDR: "127.0.0.1",
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let streaming = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (streaming) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === "status") status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
      streaming = true;
    });
    cgi.stdout.on("end", () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: (repo) => `https://127.0.0.1:${port}/${repo}`,
    caFile,
    get argvWithToken() {
      return state.argvWithToken;
    },
    get authorized() {
      return state.authorized;
    },
    get gitCommandLines() {
      return state.gitCommandLines;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** `/proc/<pid>/cmdline` of every process whose command line contains `needle`. */
function commandLinesContaining(needle: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.includes(needle)) found.push(`${pid}: ${cmdline}`);
  }
  return found;
}
