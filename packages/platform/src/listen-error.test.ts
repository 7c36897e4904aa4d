import net from "node:net";
import { isSlipwayError } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { explainListenError } from "./listen-error.ts";

describe("explainListenError", () => {
  it("names the port and the flag when the address is taken", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const second = net.createServer();
    const error = await new Promise<unknown>((resolve) => {
      second.once("error", resolve);
      second.listen(port, "127.0.0.1");
    });
    taken.close();
    const explained = explainListenError(error, { name: "edge", host: "127.0.0.1", port, flag: "--edge-port" });
    expect(isSlipwayError(explained)).toBe(true);
    expect((explained as Error).message).toContain(`127.0.0.1:${port}`);
    expect((explained as Error).message).toContain("already in use");
  });

  it("passes other errors through unchanged", () => {
    const other = new Error("boom");
    expect(explainListenError(other, { name: "API", host: "h", port: 1, flag: "--port" })).toBe(other);
  });
});
