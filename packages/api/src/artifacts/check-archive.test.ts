import { MANIFEST_FILE } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { checkArtifactArchive } from "./check-archive.ts";
import { goodEntries, manifestFor, type RawEntry, rawTar } from "./tar-fixture.ts";

const ID = "abc123def4";

async function refusal(entries: RawEntry[], limits?: { maxEntries: number; maxUnpackedBytes: number }) {
  const error = await checkArtifactArchive(rawTar(entries), limits).then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error?.code).toBe("INVALID_ARTIFACT");
  return error?.message;
}

describe("checkArtifactArchive", () => {
  it("accepts what a build stores, gzipped or not, and returns its manifest and digest", async () => {
    const checked = await checkArtifactArchive(rawTar(goodEntries(ID)));
    expect(checked.manifest.deploymentId).toBe(ID);
    expect(checked.sha256).toMatch(/^[0-9a-f]{64}$/);
    const plain = await checkArtifactArchive(rawTar(goodEntries(ID), { gzip: false }));
    expect(plain.manifest.server.dir).toBe("server-functions/default");
  });

  it("refuses each bad entry, naming it", async () => {
    const cases: [RawEntry, RegExp][] = [
      [{ path: "/etc/cron.d/x", body: "x" }, /entry "\/etc\/cron.d\/x" is an absolute path/],
      [
        { path: "assets/../../escape", body: "x" },
        /entry "assets\/..\/..\/escape" steps out of the artifact with \.\./,
      ],
      [
        { path: "server-functions/default/node_modules/x", type: "SymbolicLink", linkpath: "/etc/passwd" },
        /entry "server-functions\/default\/node_modules\/x" is a symlink to the absolute path \/etc\/passwd/,
      ],
      [
        { path: "server-functions/default/node_modules/y", type: "SymbolicLink", linkpath: "../../../../admin-token" },
        /entry "server-functions\/default\/node_modules\/y" is a symlink to ..\/..\/..\/..\/admin-token, outside/,
      ],
      [
        { path: "assets/logo.png", type: "SymbolicLink", linkpath: "BUILD_ID" },
        /entry "assets\/logo.png" is a symlink \(to BUILD_ID\); builds have links only inside/,
      ],
      [{ path: "assets/dev", type: "CharacterDevice" }, /entry "assets\/dev" has type CharacterDevice/],
      [{ path: "assets/pipe", type: "FIFO" }, /entry "assets\/pipe" has type FIFO/],
      [
        { path: "assets/hard", type: "Link", linkpath: "../outside" },
        /entry "assets\/hard" is a hard link to ..\/outside outside the artifact/,
      ],
      [{ path: "assets/BUILD_ID", body: "swapped" }, /entry "assets\/BUILD_ID" appears twice/],
    ];
    for (const [bad, message] of cases) {
      expect(await refusal([...goodEntries(ID), bad])).toMatch(message);
    }
  });

  it("refuses an archive over its entry count or unpacked size", async () => {
    expect(await refusal(goodEntries(ID), { maxEntries: 3, maxUnpackedBytes: 1e9 })).toMatch(/has more than 3 entries/);
    expect(await refusal(goodEntries(ID), { maxEntries: 100, maxUnpackedBytes: 10 })).toMatch(
      /unpacks to more than 10 bytes/,
    );
  });

  it("refuses a missing, unreadable or inconsistent manifest, naming what is wrong", async () => {
    const without = goodEntries(ID).filter((e) => e.path !== MANIFEST_FILE);
    expect(await refusal(without)).toMatch(/has no slipway-manifest.json at its root/);
    expect(await refusal([{ path: MANIFEST_FILE, body: "{not json" }, ...without])).toMatch(/is not JSON/);
    expect(await refusal([{ path: MANIFEST_FILE, body: manifestFor(ID, { version: 9 }) }, ...without])).toMatch(
      /slipway-manifest.json is invalid at version/,
    );
    const elsewhere = manifestFor(ID, {
      server: { dir: "server-functions/other", entry: "index.mjs", streaming: true },
    });
    expect(await refusal([{ path: MANIFEST_FILE, body: elsewhere }, ...without])).toMatch(
      /names server-functions\/other\/index.mjs, which is not a file in the artifact/,
    );
  });

  it("refuses bytes that are not a tar archive", async () => {
    const error = await checkArtifactArchive(Buffer.from("just some text, not an archive")).catch(
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error).toMatchObject({ code: "INVALID_ARTIFACT" });
  });
});
