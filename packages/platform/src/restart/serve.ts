import type { RunningPlatform } from "../start.ts";
import { startSuccessor } from "./successor.ts";

/** The signal `slipway admin restart` sends: start a successor, hand it the sockets, then drain. */
export const RESTART_SIGNAL = "SIGUSR2";

export interface ServeOptions {
  drainMs: number;
  /** How long a successor may take to start serving before the restart is given up. */
  readyTimeoutMs: number;
  log(line: string): void;
}

/**
 * Serves until SIGTERM or SIGINT (drain, then stop) or until a restart (SIGUSR2) handed the
 * sockets to a successor (drain, then stop). A successor that fails to start changes nothing:
 * this process serves on and says why.
 */
export async function serveUntilStopped(
  platform: RunningPlatform,
  options: ServeOptions,
): Promise<"stopped" | "replaced"> {
  for (;;) {
    const signal = await nextSignal();
    if (signal === RESTART_SIGNAL) {
      options.log("restart: starting a new process with this one's listening sockets");
      try {
        const { pid } = await startSuccessor(platform.listenerFds(), options.readyTimeoutMs);
        options.log(`restart: pid ${pid} serves; draining this one (up to ${options.drainMs} ms)`);
        await drainAndStop(platform, options);
        return "replaced";
      } catch (error) {
        options.log(`restart failed, still serving: ${(error as Error).message}`);
        continue;
      }
    }
    options.log(`${signal}: draining (up to ${options.drainMs} ms), then stopping`);
    await drainAndStop(platform, options);
    return "stopped";
  }
}

async function drainAndStop(platform: RunningPlatform, options: ServeOptions): Promise<void> {
  const { cut } = await platform.drain(options.drainMs);
  if (cut > 0) options.log(`drain: ${cut} connection(s) still busy after ${options.drainMs} ms were cut`);
  await platform.stop();
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", RESTART_SIGNAL];
    const handlers = signals.map((signal) => {
      const handler = () => {
        signals.forEach((other, i) => {
          process.off(other, handlers[i] as () => void);
        });
        resolve(signal);
      };
      process.on(signal, handler);
      return handler;
    });
  });
}
