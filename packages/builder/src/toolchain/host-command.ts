import { execFile } from "node:child_process";

/**
 * Runs one of the platform's own commands (npm, tar) on the host: fixed argv, no shell, bounded
 * time and output. Only for installing pinned toolchain parts, never for anything a project chose.
 */
export function hostCommand(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<string> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("hostCommand: empty argv");
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 10 * 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim().split("\n").slice(-3).join(" ") || error.message;
          reject(new Error(`${argv.slice(0, 3).join(" ")} failed: ${detail}`));
        } else resolve(String(stdout));
      },
    );
  });
}
