// autocannon ships no types; this declares the small part of its programmatic API the benches use.
declare module "autocannon" {
  interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }
  interface Options {
    url: string;
    connections?: number;
    overallRate?: number;
    duration?: number;
    amount?: number;
    headers?: Record<string, string>;
    requests?: Array<{ path?: string; method?: string; headers?: Record<string, string> }>;
    timeout?: number;
  }
  export interface Result {
    requests: Histogram & { total: number; sent: number };
    latency: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  }
  interface Instance {
    on(event: "response", listener: (client: unknown, statusCode: number) => void): void;
    on(event: "done", listener: (result: Result) => void): void;
    stop(): void;
  }
  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
