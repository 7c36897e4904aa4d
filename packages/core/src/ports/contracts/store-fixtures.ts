import type { Deployment, EnvVar, Project } from "../../domain/model.ts";
import type { Store } from "../store.ts";

let counter = 0;
/** Unique per call, so cases never collide even if an adapter shares state between instances. */
export function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}

export function project(overrides: Partial<Project> = {}): Project {
  return {
    id: uniq("p"),
    name: uniq("site-"),
    repoUrl: "https://github.com/acme/site.git",
    repoCredentialEncrypted: null,
    productionBranch: "main",
    rootDir: "",
    installCommand: null,
    buildCommand: "npm run build",
    nodeVersion: "22",
    webhookSecretEncrypted: "v1:k:whsec",
    teamId: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

export function deployment(projectId: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: uniq("d"),
    projectId,
    environment: "preview",
    status: "queued",
    statusReason: null,
    commit: { sha: "0123456789abcdef0123456789abcdef01234567", branch: "feature/x", message: null, author: "ada" },
    trigger: "cli",
    artifactKey: null,
    envSnapshot: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    buildStartedAt: null,
    readyAt: null,
    finishedAt: null,
    ...overrides,
  };
}

export function envVar(projectId: string, overrides: Partial<EnvVar> = {}): EnvVar {
  return {
    id: uniq("e"),
    projectId,
    key: "API_URL",
    valueEncrypted: "v1:cipher",
    targets: ["production", "preview"],
    branch: null,
    secret: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** A project saved in the store, since deployments, aliases and env vars belong to one. */
export async function savedProject(store: Store): Promise<Project> {
  const p = project();
  if (!(await store.projects.create(p))) throw new Error(`fixture project ${p.name} was not created`);
  return p;
}

export async function savedDeployment(store: Store, overrides: Partial<Deployment> = {}): Promise<Deployment> {
  const p = overrides.projectId ? { id: overrides.projectId } : await savedProject(store);
  const d = deployment(p.id, overrides);
  await store.deployments.create(d);
  return d;
}

let readyCount = 0;
/**
 * A ready production deployment of `projectId`, saved in the store. Each call's is created a second
 * after the last one's and has a larger id of the same length, so "newest" by time and by id agree.
 */
export async function savedReadyDeployment(
  store: Store,
  projectId: string,
  overrides: Partial<Deployment> = {},
): Promise<Deployment> {
  readyCount += 1;
  const d = deployment(projectId, {
    id: `d${String(readyCount).padStart(9, "0")}`,
    environment: "production",
    status: "ready",
    commit: { sha: "a".repeat(40), branch: null, message: null, author: null },
    trigger: "api",
    artifactKey: `artifacts/${readyCount}.tar`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, readyCount)).toISOString(),
    ...overrides,
  });
  await store.deployments.create(d);
  return d;
}
