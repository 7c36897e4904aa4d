import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { artifactLinksAllowed, checkArtifactTree, describeTreeProblem, isInsideDir } from "./artifact-tree.ts";

/** A fresh `<tmp>/box/out` artifact root beside a secret that must stay out of reach. */
function tree(): { out: string; secret: string } {
  const box = mkdtempSync(path.join(tmpdir(), "slipway-tree-"));
  const out = path.join(box, "out");
  mkdirSync(path.join(out, "assets"), { recursive: true });
  mkdirSync(path.join(out, "fn", "node_modules", "pkg"), { recursive: true });
  writeFileSync(path.join(out, "assets", "app.js"), "ok");
  writeFileSync(path.join(out, "fn", "node_modules", "pkg", "index.js"), "ok");
  const secret = path.join(box, "secret");
  writeFileSync(secret, "platform secret");
  return { out, secret };
}

const rules = { linksAllowed: artifactLinksAllowed };
const problemsOf = async (out: string) =>
  (await checkArtifactTree(out, rules)).map((p) => (p.kind === "symlink" ? `${p.path}: ${p.why}` : p.path));

describe("checkArtifactTree", () => {
  it("passes plain files and folders, and links that stay inside a function's node_modules", async () => {
    const { out } = tree();
    symlinkSync("pkg", path.join(out, "fn", "node_modules", "alias"));
    symlinkSync("../pkg/index.js", path.join(out, "fn", "node_modules", "pkg", "self.js"));
    expect(await checkArtifactTree(out, rules)).toEqual([]);
  });

  it("refuses every link among assets and at the top, even one that stays inside", async () => {
    const { out } = tree();
    symlinkSync("app.js", path.join(out, "assets", "alias.js"));
    symlinkSync("assets/app.js", path.join(out, "open-next.output.json"));
    expect(await problemsOf(out)).toEqual(["assets/alias.js: not-allowed", "open-next.output.json: not-allowed"]);
  });

  it("refuses absolute links, links that leave, dangle or loop, in node_modules too", async () => {
    const { out, secret } = tree();
    const modules = path.join(out, "fn", "node_modules");
    symlinkSync(secret, path.join(modules, "a-absolute"));
    symlinkSync("../../../secret", path.join(modules, "b-outside"));
    symlinkSync("missing", path.join(modules, "c-dangling"));
    symlinkSync("d-loop", path.join(modules, "d-loop"));
    // Out and back in by name: resolves inside here, but not wherever the tree is unpacked.
    symlinkSync("../../../out/assets/app.js", path.join(modules, "e-out-and-back"));
    expect(await problemsOf(out)).toEqual([
      "fn/node_modules/a-absolute: absolute",
      "fn/node_modules/b-outside: outside",
      "fn/node_modules/c-dangling: dangling",
      "fn/node_modules/d-loop: dangling",
      "fn/node_modules/e-out-and-back: outside",
    ]);
  });

  it("refuses a chain of links that each read as inside but climb out when followed", async () => {
    const { out } = tree();
    const ladder = path.join(out, "fn", "node_modules", "ladder");
    mkdirSync(ladder);
    symlinkSync("../..", path.join(ladder, "s0")); // → out/fn: inside
    symlinkSync("s0/../..", path.join(ladder, "s1")); // reads as out/fn/node_modules, is the box
    symlinkSync("ladder/s1/secret", path.join(out, "fn", "node_modules", "leak")); // reads as inside
    const problems = await problemsOf(out);
    expect(problems).toEqual(["fn/node_modules/ladder/s1: through-link", "fn/node_modules/leak: through-link"]);
  });

  it("refuses FIFOs and a root that is itself a link", async () => {
    const { out } = tree();
    execFileSync("mkfifo", [path.join(out, "assets", "pipe.txt")]);
    const [fifo] = await checkArtifactTree(out, rules);
    expect(fifo).toEqual({ kind: "special", path: "assets/pipe.txt", type: "FIFO" });
    const alias = `${out}-alias`;
    symlinkSync(out, alias);
    expect(await checkArtifactTree(alias, rules)).toEqual([{ kind: "root", path: ".", why: "is a symlink" }]);
  });

  it("describes a problem with the path as the user knows it", async () => {
    const { out } = tree();
    symlinkSync("../../../admin-token", path.join(out, "assets", "BUILD_ID"));
    const [problem] = await checkArtifactTree(out, rules);
    if (!problem) throw new Error("expected a problem");
    expect(describeTreeProblem(problem, "build output", ".open-next")).toBe(
      "build output contains a symlink .open-next/assets/BUILD_ID -> ../../../admin-token; links are not allowed in build output",
    );
  });
});

describe("artifactLinksAllowed and isInsideDir", () => {
  it("allow links only below a function bundle's node_modules", () => {
    expect(artifactLinksAllowed("server-functions/default/node_modules/next")).toBe(true);
    expect(artifactLinksAllowed("server-functions/default/node_modules/.bin/x")).toBe(true);
    expect(artifactLinksAllowed("node_modules")).toBe(false);
    expect(artifactLinksAllowed("assets/node_modules/x")).toBe(false);
    expect(artifactLinksAllowed("cache/node_modules/x")).toBe(false);
    expect(artifactLinksAllowed("server-functions/default/index.mjs")).toBe(false);
  });

  it("compare whole path segments", () => {
    expect(isInsideDir("/srv/d1", "/srv/d1")).toBe(true);
    expect(isInsideDir("/srv/d1", "/srv/d1/assets/a.js")).toBe(true);
    expect(isInsideDir("/srv/d1", "/srv/d10/a.js")).toBe(false);
    expect(isInsideDir("/srv/d1", "/etc/passwd")).toBe(false);
  });
});
