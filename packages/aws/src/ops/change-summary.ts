/** The part of a CloudFormation diff (`@aws-cdk/cloudformation-diff`'s TemplateDiff) a summary reads. */
export interface TemplateDiffLike {
  readonly permissionsBroadened: boolean;
  readonly resources: {
    forEachDifference(cb: (logicalId: string, change: ResourceChangeLike) => void): void;
  };
  readonly outputs?: {
    forEachDifference(cb: (logicalId: string, change: OutputChangeLike) => void): void;
  };
}
export interface OutputChangeLike {
  /** The output in the deployed template (`Value` may be a literal or an intrinsic). */
  readonly oldValue?: { readonly Value?: unknown };
  readonly newValue?: { readonly Value?: unknown };
}
export interface ResourceChangeLike {
  readonly resourceType: string | undefined;
  readonly changeImpact: string;
}

/** What an upgrade will do to the deployed stack, resource by resource (`LogicalId (Type)`). */
export interface ChangeSummary {
  readonly added: string[];
  readonly updated: string[];
  /** Replaced resources lose their physical identity (a table or bucket would lose its data). */
  readonly replaced: string[];
  readonly removed: string[];
  /** IAM or resource policies grant more than before. */
  readonly permissionsBroadened: boolean;
  /** Outputs with a literal value in the deployed stack that this version would drop, by name. */
  readonly droppedOutputs: Record<string, string>;
}

const IMPACTS: Record<string, "added" | "updated" | "replaced" | "removed"> = {
  WILL_CREATE: "added",
  WILL_IMPORT: "added",
  WILL_UPDATE: "updated",
  WILL_REPLACE: "replaced",
  MAY_REPLACE: "replaced",
  WILL_DESTROY: "removed",
  WILL_ORPHAN: "removed",
};

export function summarizeChanges(diff: TemplateDiffLike | undefined): ChangeSummary {
  const summary: ChangeSummary = {
    added: [],
    updated: [],
    replaced: [],
    removed: [],
    permissionsBroadened: false,
    droppedOutputs: {},
  };
  if (!diff) return summary;
  diff.resources.forEachDifference((logicalId, change) => {
    const bucket = IMPACTS[change.changeImpact];
    if (bucket) summary[bucket].push(`${logicalId} (${change.resourceType ?? "unknown type"})`);
  });
  diff.outputs?.forEachDifference((name, change) => {
    const old = change.oldValue?.Value;
    if (change.newValue === undefined && typeof old === "string") summary.droppedOutputs[name] = old;
  });
  return { ...summary, permissionsBroadened: diff.permissionsBroadened };
}

export function isEmptySummary(summary: ChangeSummary): boolean {
  return (
    summary.added.length + summary.updated.length + summary.replaced.length + summary.removed.length === 0 &&
    !summary.permissionsBroadened
  );
}

/** Lines for a person: counts, then each resource, replacements and removals first. */
export function describeChanges(summary: ChangeSummary): string[] {
  if (isEmptySummary(summary)) return ["No changes: the deployed stack is already this version."];
  const lines = [
    `${summary.added.length} to add, ${summary.updated.length} to update, ${summary.replaced.length} to replace, ${summary.removed.length} to remove.`,
  ];
  const sections: Array<[string, string[]]> = [
    ["replace (new physical resource)", summary.replaced],
    ["remove", summary.removed],
    ["add", summary.added],
    ["update", summary.updated],
  ];
  for (const [verb, ids] of sections) for (const id of ids) lines.push(`  ${verb}: ${id}`);
  if (summary.permissionsBroadened) lines.push("Permissions are broadened (IAM or resource policies grant more).");
  return lines;
}
