import type { Server } from "node:http";

/** Listens and reports a taken port as a clear error naming it. */
export async function listen(server: Server, port: number, host: string): Promise<{ close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${port} on ${host} is already in use.`) : error),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
