import type { LogLine, LogStore } from "@slipway/core";

/**
 * Build logs in memory. Seqs come from one counter shared by every deployment, so they grow but
 * skip values, as CloudWatch's do: a test on this store catches a reader that assumes +1.
 */
export function createMemoryLogStore(): LogStore {
  const logs = new Map<string, LogLine[]>();
  let seq = 0;
  return {
    name: "memory",
    async append(deploymentId, lines) {
      if (lines.length === 0) return;
      const log = logs.get(deploymentId) ?? [];
      for (const line of lines) {
        seq += 1 + (seq % 3);
        log.push({ seq, at: line.at, stream: line.stream, text: line.text });
      }
      logs.set(deploymentId, log);
    },
    async read(deploymentId, afterSeq = 0, limit = 1000) {
      const log = logs.get(deploymentId) ?? [];
      return log
        .filter((line) => line.seq > afterSeq)
        .slice(0, limit)
        .map((line) => ({ ...line }));
    },
    async deleteDeployment(deploymentId) {
      logs.delete(deploymentId);
    },
  };
}
