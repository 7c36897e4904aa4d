export { createMemoryBlobStore } from "./blob-store.ts";
export { createMemoryBuilder, type MemoryBuilder, type MemoryBuilderOptions } from "./builder.ts";
export { createMemoryStatusRecorder, type MemoryStatusRecorder, type RecordedReport } from "./commit-status.ts";
export { createMemoryDeployer, type MemoryDeployer, type MemoryDeployerOptions } from "./deployer.ts";
export { createMemoryGitRemote, type MemoryGitRemote } from "./git-remote.ts";
export { createMemoryLogStore } from "./log-store.ts";
export { createMemoryQueue, type MemoryQueue, type MemoryQueueOptions } from "./queue.ts";
export { createMemorySecrets, type MemorySecrets, type MemorySecretsOptions } from "./secrets.ts";
export { createMemoryStore } from "./store/index.ts";
