import { describe, expect, it } from "vitest";
import { maskClientIp } from "./client-ip.ts";
import { addLatency, type LatencyHistogram, mergeHistograms, percentile } from "./latency-histogram.ts";
import { parseStatusFilter, parseWindow } from "./query-params.ts";

describe("latency histogram", () => {
  it("reads percentiles within 5 % of the exact nearest-rank value", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 0.5 + ((i * 7919) % 1000) * 2.3);
    const histogram: LatencyHistogram = {};
    for (const v of values) addLatency(histogram, v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [50, 95, 99]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
      expect(Math.abs((percentile(histogram, p) as number) - exact) / exact).toBeLessThan(0.05);
    }
  });

  it("merges minutes by adding bucket counts; an empty histogram has no percentile", () => {
    const a: LatencyHistogram = {};
    const b: LatencyHistogram = {};
    addLatency(a, 10);
    addLatency(b, 10);
    addLatency(b, 1000);
    const merged = mergeHistograms({ ...a }, b);
    expect(Object.values(merged).reduce((x, y) => x + y, 0)).toBe(3);
    expect(percentile(merged, 50)).toBeCloseTo(10, -0.5);
    expect(percentile({}, 50)).toBeNull();
  });
});

describe("telemetry query parameters and client addresses", () => {
  it("parses windows and status filters, naming a bad value", () => {
    expect(parseWindow("90s")).toBe(90_000);
    expect(parseWindow("7d")).toBe(7 * 86_400_000);
    expect(() => parseWindow("1w")).toThrow(/"1w"/);
    expect(parseStatusFilter("5xx")).toEqual({ min: 500, max: 599 });
    expect(parseStatusFilter("404")).toEqual({ min: 404, max: 404 });
    expect(() => parseStatusFilter("6xx")).toThrow(/"6xx"/);
  });

  it("masks IPv4 to /24 and IPv6 to /48, and drops what is not an address", () => {
    expect(maskClientIp("203.0.113.77", "masked")).toBe("203.0.113.0");
    expect(maskClientIp("::ffff:203.0.113.77", "masked")).toBe("203.0.113.0");
    expect(maskClientIp("2001:db8:abcd:12::1", "masked")).toBe("2001:db8:abcd::");
    expect(maskClientIp("203.0.113.77", "full")).toBe("203.0.113.77");
    expect(maskClientIp("203.0.113.77", "none")).toBe("");
    expect(maskClientIp("<script>", "full")).toBe("");
  });
});
