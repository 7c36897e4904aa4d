import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** What the doctor may look at, injected so its judgement can be tested without this machine. */
export interface DoctorProbes {
  nodeVersion: string;
  /** Effective user id; null where there is none (Windows). */
  uid: number | null;
  /** Runs a program without a shell; `code` is null when it could not start or timed out. */
  run(command: string, args: string[]): { code: number | null; output: string };
  /** Full path of a program on PATH, or null. */
  which(command: string): string | null;
  readText(path: string): string | null;
  stat(path: string): { mode: number; uid: number; isDirectory: boolean } | null;
}

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

export function systemProbes(env: NodeJS.ProcessEnv): DoctorProbes {
  const searchPath = env.PATH ?? SYSTEM_PATH;
  return {
    nodeVersion: process.versions.node,
    uid: typeof process.geteuid === "function" ? process.geteuid() : null,
    run(command, args) {
      const result = spawnSync(command, args, { encoding: "utf8", timeout: 10_000, env: { PATH: searchPath } });
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
      return { code: result.error ? null : result.status, output: result.error ? result.error.message : output };
    },
    which(command) {
      for (const dir of searchPath.split(":")) {
        if (!dir) continue;
        const path = join(dir, command);
        if (statSync(path, { throwIfNoEntry: false })?.isFile()) return path;
      }
      return null;
    },
    readText(path) {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
    stat(path) {
      const stat = statSync(path, { throwIfNoEntry: false });
      return stat ? { mode: stat.mode, uid: stat.uid, isDirectory: stat.isDirectory() } : null;
    },
  };
}
