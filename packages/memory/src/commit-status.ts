import { COMMIT_STATE_OF, type CommitState, type CommitStatusReporter } from "@slipway/core";

export interface RecordedReport {
  projectId: string;
  deploymentId: string;
  sha: string;
  state: CommitState;
  url: string;
}

export type MemoryStatusRecorder = CommitStatusReporter & {
  readonly reports: RecordedReport[];
  /** While true, reports are dropped as an unreachable host's would be (best effort: no throw). */
  failing: boolean;
};

/** Records every report it is given, in order. */
export function createMemoryStatusRecorder(): MemoryStatusRecorder {
  const recorder: MemoryStatusRecorder = {
    name: "memory",
    reports: [],
    failing: false,
    async report(project, deployment, url) {
      if (recorder.failing) return;
      recorder.reports.push({
        projectId: project.id,
        deploymentId: deployment.id,
        sha: deployment.commit.sha,
        state: COMMIT_STATE_OF[deployment.status],
        url,
      });
    },
  };
  return recorder;
}
