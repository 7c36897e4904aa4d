import autocannon, { type Result } from "autocannon";

export interface SteadyLoad {
  /** Responses so far. */
  count(): number;
  /** Stops the load and returns autocannon's totals. */
  stop(): Promise<Result>;
}

/**
 * Rate-limited load on a host through the edge, mixing the static page, a server-rendered page
 * and a route handler, so both the edge's own files and the deployment's workers are exercised
 * while production moves. Runs until stopped.
 */
export function startSteadyLoad(edgePort: number, host: string, ratePerSecond: number): SteadyLoad {
  let responses = 0;
  let finished!: (result: Result) => void;
  let failed!: (error: Error) => void;
  const done = new Promise<Result>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: `http://127.0.0.1:${edgePort}`,
      connections: 10,
      overallRate: ratePerSecond,
      duration: 3_600,
      timeout: 10,
      headers: { host },
      requests: [{ path: "/" }, { path: "/ssr" }, { path: "/api/hello" }],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  );
  instance.on("response", () => {
    responses++;
  });
  return {
    count: () => responses,
    async stop() {
      instance.stop();
      return done;
    },
  };
}
