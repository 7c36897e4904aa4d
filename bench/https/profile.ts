import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { promisify } from "node:util";
import { fixtureArtifact } from "@slipway/runtime/test-support";
import { DOMAIN, startHttpsEdge } from "./edge.ts";

/**
 * For `node --import tsx bench/https/profile.ts cached|uncached [https|http] [out.cpuprofile]`:
 * the HTTPS edge of bench/https.ts under 8 s of keep-alive load on the custom domain (autocannon
 * in its own process), profiled only while the load runs, so the profile holds the edge's TLS
 * request path and nothing of the set-up; `http` loads the project URL on the plain port instead,
 * the profile to compare it with.
 */
const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, "../../node_modules/.bin/autocannon");
const { artifactDir } = await fixtureArtifact();
const edge = await startHttpsEdge({
  artifactDir,
  keyType: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  cached: process.argv[2] !== "uncached",
});
const plain = process.argv[3] === "http";
const url = plain ? `http://127.0.0.1:${edge.stack.port}/` : `https://127.0.0.1:${edge.httpsPort}/`;
const target = plain ? ["-H", "host=fixture.localhost"] : ["-H", `host=${DOMAIN}`, "--servername", DOMAIN];
const load = (seconds: number) => run(AUTOCANNON, ["-c", "10", "-d", String(seconds), "-j", ...target, url]);
await load(1);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const { stdout } = await load(8);
const { profile } = await session.post("Profiler.stop");
await writeFile(process.argv[4] ?? `edge-${plain ? "http" : "https"}.cpuprofile`, JSON.stringify(profile));
process.stderr.write(`${(JSON.parse(stdout) as { requests: { average: number } }).requests.average} req/s\n`);
await edge.close();
