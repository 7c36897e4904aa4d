import { expect } from "vitest";
import { COMMIT_STATE_OF, type CommitState } from "../../domain/commit-state.ts";
import type { Deployment, DeploymentStatus, Project } from "../../domain/model.ts";
import type { CommitStatusReporter } from "../commit-status.ts";
import { type ContractOptions, defineContract } from "./harness.ts";
import { deployment } from "./store-fixtures.ts";

/** What the source host recorded for one commit: the latest state it was told. */
export interface ReportedStatus {
  sha: string;
  state: CommitState;
  url: string;
}

export interface CommitStatusContractOptions extends ContractOptions<CommitStatusReporter> {
  /** A project whose repository the reporter's host knows. */
  project: (subject: CommitStatusReporter) => Project;
  /** What the host holds now for `sha`, newest last. */
  recorded: (subject: CommitStatusReporter, sha: string) => Promise<ReportedStatus[]>;
  /** Makes the host fail every request from now on (a GitHub outage). */
  breakHost: (subject: CommitStatusReporter) => Promise<void>;
}

/** The CommitStatusReporter contract: GitHub, GitLab… run these. */
export function runCommitStatusContract(options: CommitStatusContractOptions): void {
  const sample = (p: Project, status: DeploymentStatus, sha: string): Deployment =>
    deployment(p.id, { status, commit: { sha, branch: "main", message: null, author: null } });

  defineContract<CommitStatusReporter>(
    "CommitStatusReporter",
    options,
    async () => {},
    (test) => {
      test("each deployment status reaches the host as its commit state, with the URL", async (reporter) => {
        const p = options.project(reporter);
        for (const [index, status] of (Object.keys(COMMIT_STATE_OF) as DeploymentStatus[]).entries()) {
          const sha = String(index).repeat(40);
          await reporter.report(p, sample(p, status, sha), `https://site-${index}.example.test`);
          expect((await options.recorded(reporter, sha)).at(-1)).toEqual({
            sha,
            state: COMMIT_STATE_OF[status],
            url: `https://site-${index}.example.test`,
          });
        }
      });

      test("a later report supersedes an earlier one for the same commit", async (reporter) => {
        const p = options.project(reporter);
        const sha = "a".repeat(40);
        await reporter.report(p, sample(p, "building", sha), "https://x.example.test");
        await reporter.report(p, sample(p, "ready", sha), "https://x.example.test");
        expect((await options.recorded(reporter, sha)).at(-1)?.state).toBe("success");
      });

      test("a host that fails is best effort: report resolves and throws nothing", async (reporter) => {
        const p = options.project(reporter);
        await options.breakHost(reporter);
        await expect(reporter.report(p, sample(p, "ready", "b".repeat(40)), "https://x.example.test")).resolves.toBe(
          undefined,
        );
      });
    },
  );
}
