import type { LogLine } from "../domain/model.ts";

/** Build logs per deployment (SQLite locally, CloudWatch Logs on AWS). */
export interface LogStore {
  readonly name: string;
  append(deploymentId: string, lines: Array<Omit<LogLine, "seq">>): Promise<void>;
  /** Lines with seq > afterSeq, oldest first. */
  read(deploymentId: string, afterSeq?: number, limit?: number): Promise<LogLine[]>;
  deleteDeployment(deploymentId: string): Promise<void>;
}
