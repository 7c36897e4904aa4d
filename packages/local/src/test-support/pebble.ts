import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import https from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Debian's `pebble` (a real ACME server, Let's Encrypt's test CA) and `pebble-challtestsrv` as
 * the DNS server both Pebble and Slipway's `verify` ask: A, AAAA, CNAME and TXT records the test
 * sets. Only names the test set exist (no default addresses).
 */
export interface Pebble {
  /** The ACME directory URL. */
  directoryUrl: string;
  /** Pebble's own TLS certificate (PEM): trust it to talk ACME. */
  tlsCert: string;
  /** `127.0.0.1:<port>` of the DNS server. */
  dnsServer: string;
  /** The root of the chains Pebble issues (from its management API): trust it to fetch a site. */
  issuingRoot(): Promise<string>;
  addA(hostname: string, addresses: string[]): Promise<void>;
  setTxt(hostname: string, value: string): Promise<void>;
  setCname(hostname: string, target: string): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `httpPort`: where Pebble sends HTTP-01 checks (the edge's HTTP port in the test). */
export async function startPebble(options: { httpPort: number }): Promise<Pebble> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-pebble-"));
  await run("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
    ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
  ]);
  const tlsCert = await readFile(join(dir, "cert.pem"), "utf8");
  const [acmePort, managementPort, dnsPort, dnsManagementPort, tlsPort] = await Promise.all(
    Array.from({ length: 5 }, () => freeLoopbackPort()),
  );
  await writeFile(
    join(dir, "pebble.json"),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: join(dir, "cert.pem"),
        privateKey: join(dir, "key.pem"),
        httpPort: options.httpPort,
        tlsPort,
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  let output = "";
  const children: ChildProcess[] = [];
  const start = (command: string, args: string[], env: Record<string, string> = {}) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    children.push(child);
  };
  start("pebble-challtestsrv", [
    ...["-dns01", `127.0.0.1:${dnsPort}`, "-management", `127.0.0.1:${dnsManagementPort}`],
    ...["-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "", "-defaultIPv6", ""],
  ]);
  // No random sleeps before validation, no nonces rejected on purpose: the test is about Slipway.
  start("pebble", ["-config", join(dir, "pebble.json"), "-dnsserver", `127.0.0.1:${dnsPort}`], {
    PEBBLE_VA_NOSLEEP: "1",
    PEBBLE_WFE_NONCEREJECT: "0",
  });
  const get = (url: string) =>
    new Promise<string>((resolve, reject) => {
      https
        .get(url, { ca: tlsCert }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () =>
            res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode}`)),
          );
        })
        .on("error", reject);
    });
  const manage = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${dnsManagementPort}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`challtestsrv ${path}: ${res.status} ${await res.text()}`);
  };
  const fqdn = (name: string) => (name.endsWith(".") ? name : `${name}.`);
  const pebble: Pebble = {
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    tlsCert,
    dnsServer: `127.0.0.1:${dnsPort}`,
    issuingRoot: () => get(`https://127.0.0.1:${managementPort}/roots/0`),
    addA: (hostname, addresses) => manage("/add-a", { host: fqdn(hostname), addresses }),
    setTxt: (hostname, value) => manage("/set-txt", { host: fqdn(hostname), value }),
    setCname: (hostname, target) => manage("/set-cname", { host: fqdn(hostname), target: fqdn(target) }),
    output: () => output,
    async stop() {
      // A child killed by a signal keeps exitCode null: signalCode says it is gone.
      const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
      await Promise.all(
        running.map((child) => {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          return exited;
        }),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await Promise.all([
      get(pebble.directoryUrl).then(
        () => true,
        () => false,
      ),
      fetch(`http://127.0.0.1:${dnsManagementPort}/`).then(
        () => true,
        () => false,
      ),
    ]);
    if (ready.every(Boolean)) return pebble;
    if (Date.now() > deadline || children.some((c) => c.exitCode !== null || c.signalCode !== null)) {
      await pebble.stop();
      throw new Error(`pebble did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
