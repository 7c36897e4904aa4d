import { spawn } from "node:child_process";
import { closeSync, writeSync } from "node:fs";
import type { Readable } from "node:stream";
import {
  HANDOFF_FDS_ENV,
  HANDOFF_FROM_ENV,
  type ListenerName,
  READY_FD_ENV,
  withoutListenerEnv,
} from "./inherited-listeners.ts";

export type ListenerFds = Record<"api" | "edge", number> & { https: number | null };

/**
 * Starts the platform again from the same command line (so a newer build installed at the same
 * path is what runs: an upgrade), handing it the listening sockets as extra stdio descriptors,
 * and resolves once it says it serves. The sockets stay open in both processes meanwhile: the
 * kernel queues connections for whichever accepts, so none is refused. Rejects (and stops the
 * successor) when it exits or stays silent past `readyTimeoutMs`; this process then serves on.
 */
export function startSuccessor(fds: ListenerFds, readyTimeoutMs: number): Promise<{ pid: number }> {
  const passed: Array<[ListenerName, number]> = [
    ["api", fds.api],
    ["edge", fds.edge],
    ...(fds.https === null ? [] : [["https", fds.https] as [ListenerName, number]]),
  ];
  // Descriptor 3 + i in the child; the ready pipe right after.
  const readyFd = 3 + passed.length;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ["ignore", "inherit", "inherit", ...passed.map(([, fd]) => fd), "pipe"],
    // Its own process group: a Ctrl-C meant for the terminal's old process must not reach it.
    detached: true,
    env: {
      ...withoutListenerEnv(process.env),
      [HANDOFF_FDS_ENV]: passed.map(([name], i) => `${name}=${3 + i}`).join(","),
      [READY_FD_ENV]: String(readyFd),
      [HANDOFF_FROM_ENV]: String(process.pid),
    },
  });
  const ready = child.stdio[readyFd] as Readable;
  return new Promise((resolve, reject) => {
    let said = "";
    const fail = (reason: string) => {
      clearTimeout(timer);
      ready.destroy();
      child.kill("SIGTERM");
      reject(new Error(`the new process (pid ${child.pid}) ${reason}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    child.once("exit", (code, signal) => fail(`exited (code ${code}, signal ${signal}) before it was ready`));
    child.once("error", (error) => fail(`could not start: ${error.message}`));
    ready.on("data", (chunk) => {
      said += chunk;
      if (!said.includes("ready\n")) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      ready.destroy();
      child.unref();
      resolve({ pid: child.pid as number });
    });
  });
}

/** In the successor: tells the predecessor this process serves (no-op when not started by one). */
export function signalReady(env: NodeJS.ProcessEnv): void {
  const fd = Number(env[READY_FD_ENV]);
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(fd, "ready\n");
    closeSync(fd);
  } catch {
    // The predecessor gave up waiting and is gone: it said so in its log.
  }
}
