import http from "node:http";

export interface LoadRoute {
  path: string;
  /** Null when the body is what it must be; else what is wrong with it. */
  check(status: number, body: string): string | null;
}

export interface LoadReport {
  ok: number;
  /** Completed streaming responses (routes with `stream: true`). */
  streams: number;
  failed: number;
  /** The first 50 failures, each with its time and reason. */
  failures: string[];
}

export interface LoadOptions {
  port: number;
  host: string;
  routes: LoadRoute[];
  /** Loops sharing keep-alive connections (each sends its next request as soon as one ends). */
  keepAliveLoops: number;
  /** Loops that open a new connection for every request. */
  freshLoops: number;
  /** Loops that only fetch `streamRoute`, over keep-alive connections. */
  streamLoops: number;
  streamRoute: LoadRoute;
  timeoutMs?: number;
}

/**
 * Steady load on the edge: keep-alive and fresh connections, and streams, every answer checked.
 * A failed request is any error, timeout, wrong status or wrong body: nothing is retried.
 */
export function startLoad(options: LoadOptions) {
  const report: LoadReport = { ok: 0, streams: 0, failed: 0, failures: [] };
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: options.keepAliveLoops + options.streamLoops });
  const fresh = new http.Agent({ keepAlive: false });
  let running = true;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const once = (agent: http.Agent, route: LoadRoute) =>
    new Promise<void>((resolve) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        report.failed++;
        if (report.failures.length < 50) report.failures.push(`${new Date().toISOString()} ${route.path}: ${why}`);
        resolve();
      };
      const req = http.get(
        { host: "127.0.0.1", port: options.port, path: route.path, agent, headers: { host: options.host } },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => (body += chunk));
          res.on("error", (error) => fail(`response: ${error.message}`));
          res.on("aborted", () => fail("response aborted"));
          res.on("end", () => {
            const wrong = route.check(res.statusCode ?? 0, body);
            if (wrong) return fail(wrong);
            if (settled) return;
            settled = true;
            report.ok++;
            if (route === options.streamRoute) report.streams++;
            resolve();
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      req.on("error", (error) => fail(`request: ${(error as NodeJS.ErrnoException).code ?? ""} ${error.message}`));
    });

  const loop = async (agent: http.Agent, routes: LoadRoute[], offset: number) => {
    for (let i = offset; running; i++) await once(agent, routes[i % routes.length] as LoadRoute);
  };
  const loops = [
    ...Array.from({ length: options.keepAliveLoops }, (_, i) => loop(keepAlive, options.routes, i)),
    ...Array.from({ length: options.freshLoops }, (_, i) => loop(fresh, options.routes, i)),
    ...Array.from({ length: options.streamLoops }, () => loop(keepAlive, [options.streamRoute], 0)),
  ];

  return {
    report,
    get total() {
      return report.ok + report.failed;
    },
    async stop(): Promise<LoadReport> {
      running = false;
      await Promise.all(loops);
      keepAlive.destroy();
      fresh.destroy();
      return report;
    },
  };
}
