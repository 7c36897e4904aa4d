import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildRequest } from "@slipway/core/contracts";
import { createMemoryBlobStore } from "@slipway/memory";
import { afterEach, describe, expect, it } from "vitest";
import { type BuildContext, openBuild } from "../context.ts";
import { resolveOptions } from "../options.ts";
import { bwrapWorks } from "../sandbox/sandbox.ts";
import { runSandboxed, sandboxSetupFailure } from "./sandboxed.ts";

const opened: BuildContext[] = [];
afterEach(async () => {
  for (const ctx of opened.splice(0)) await ctx.close();
});

/** A build whose data dir sits in a checkout (`npm start` uses `.slipway/` in Slipway's own). */
async function buildInsideCheckout() {
  const checkout = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-checkout-")));
  writeFileSync(path.join(checkout, "package.json"), '{"name":"slipway","private":true}');
  mkdirSync(path.join(checkout, "node_modules"));
  const options = resolveOptions({
    blobStore: createMemoryBlobStore(),
    cacheDir: path.join(checkout, ".slipway", "build-cache"),
    workDir: path.join(checkout, ".slipway", "builds"),
    openNextConfigPath: path.join(checkout, "open-next.config.ts"),
    // As the platform binds its own node_modules (OpenNext) read-only into every build.
    readOnlyPaths: [path.join(checkout, "node_modules")],
    sandbox: "bwrap",
  });
  const lines: string[] = [];
  const ctx = await openBuild(options, {
    ...buildRequest("succeed", "dpl_tmp"),
    env: {},
    onLog: (line) => lines.push(line.text),
    signal: new AbortController().signal,
  });
  opened.push(ctx);
  return { ctx, checkout, lines };
}

describe("runSandboxed", () => {
  it.skipIf(!bwrapWorks())(
    "gives the build a TMPDIR with no package above it, so npm in a fresh temp folder stays there",
    async () => {
      const { ctx, checkout, lines } = await buildInsideCheckout();
      // What OpenNext did for sharp: mkdtemp(os.tmpdir()) and npm there. `npm prefix` is where an
      // install would write: before the fix, the read-only checkout (EROFS).
      const script = `const fs = require("fs"), os = require("os"), path = require("path");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "open-next-install-"));
        console.log("tmp=" + os.tmpdir() + " dir=" + dir);`;
      const env = {
        PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: ctx.dirs.home,
        TMPDIR: ctx.dirs.tmp,
      };
      await runSandboxed(ctx, {
        command: {
          shell: `node -e '${script}' && cd "$(ls -d "$TMPDIR"/open-next-install-*)" && echo "prefix=$(npm prefix)"`,
        },
        cwd: ctx.dirs.work,
        env,
        what: "probe",
      });
      const probe = lines.join("\n");
      expect(probe).toMatch(/tmp=\/var\/tmp dir=\/var\/tmp\/open-next-install-\w+/);
      expect(probe).toMatch(/prefix=\/var\/tmp\/open-next-install-\w+/);
      expect(probe).not.toContain(`prefix=${checkout}`);
    },
    30_000,
  );

  it.skipIf(!bwrapWorks())("fails a command whose sandbox cannot start with bwrap's own reason", async () => {
    const { ctx } = await buildInsideCheckout();
    const gone = path.join(ctx.dirs.work, "..", "gone-before-the-step");
    const step = runSandboxed(ctx, {
      command: { argv: ["/bin/true"] },
      cwd: ctx.dirs.work,
      env: { PATH: "/usr/bin:/bin" },
      what: "probe",
      readOnly: [gone],
    });
    // Which of the launcher's checks notices first varies (the exit, or the cgroup join of a pid
    // already gone); either way the reason ends with what bwrap said.
    await expect(step).rejects.toThrow(
      /^probe could not start: .+: bwrap: Can't find source path .*gone-before-the-step/,
    );
  });

  it("tells bwrap's own setup failure from a command that ran and failed", () => {
    const lines = (...texts: string[]) => texts.map((text, at) => ({ line: at + 1, text }));
    const exited = (code: number) => ({ kind: "exited" as const, code });
    const bwrap = "bwrap: loopback: Failed RTM_NEWADDR: No child processes";
    expect(sandboxSetupFailure(exited(1), lines(bwrap))).toBe(bwrap);
    expect(sandboxSetupFailure(exited(1), lines("npm ERR! missing script: build"))).toBeNull();
    expect(sandboxSetupFailure(exited(1), lines(bwrap, "then the command printed this"))).toBeNull();
    expect(sandboxSetupFailure(exited(2), lines(bwrap))).toBeNull();
    expect(sandboxSetupFailure(exited(1), [])).toBeNull();
    expect(sandboxSetupFailure({ kind: "killed", signal: "SIGKILL" }, lines(bwrap))).toBeNull();
  });
});
