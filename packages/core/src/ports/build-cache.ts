/**
 * What builds keep between builds of a project (locally `node_modules`, `.next/cache` and the
 * package manager's store under the builder's cache dir; on AWS, the CodeBuild cache bucket).
 * Only speed depends on it: a cleared cache costs the next build a full install.
 */
export interface BuildCache {
  readonly name: string;
  /**
   * Removes the caches of one project (`projectId`), or of every project (`null`), and says how
   * many bytes that freed. Idempotent: a project without a cache frees 0.
   */
  clear(projectId: string | null): Promise<{ bytesFreed: number }>;
}
