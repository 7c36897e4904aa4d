import { describe, expect, it } from "vitest";
import { edgeFlagsFrom, edgeFlagsValue } from "./edge-flags-output.ts";
import { DEFAULT_VIEWER_REQUEST_FILE } from "./edge-options.ts";

describe("the EdgeFlags output", () => {
  it("gives back the flags a deploy was given, the shipped viewer-request file left out", () => {
    const flags = { sitesDomain: "sites.example.com", hostedZone: "Z0123456789ABC:example.com" };
    expect(edgeFlagsFrom(edgeFlagsValue({ ...flags, viewerRequestFile: DEFAULT_VIEWER_REQUEST_FILE }))).toEqual(flags);
    const custom = { ...flags, viewerRequestFile: "/srv/edge/viewer.js" };
    expect(edgeFlagsFrom(edgeFlagsValue(custom))).toEqual(custom);
  });

  it.each([
    "not json",
    "[]",
    "{}",
    '{"certificateArn":"arn:aws:acm:us-east-1:1:certificate/x"}',
    '{"sitesDomain":"sites.example.com","extra":"x"}',
    '{"sitesDomain":7}',
  ])("refuses %j, naming it", (value) => {
    expect(() => edgeFlagsFrom(value)).toThrow(JSON.stringify(value));
  });
});
