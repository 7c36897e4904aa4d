export { createLocalDeployer, type LocalDeployerOptions } from "./deployer/local.ts";
export { createEdge } from "./edge/edge.ts";
export { type DrainReport, type GracefulServer, graceful, type ListenTarget } from "./edge/graceful.ts";
export { type ChangeWatch, createChangeWatch, createStampedCache } from "./edge/stamped-cache.ts";
export { routeThroughStore, type StoreRoutingOptions } from "./edge/store-routing.ts";
export { createCertificateContexts } from "./edge/tls/certificates.ts";
export { createDomainFront, type DomainFrontOptions, type EdgeDomain } from "./edge/tls/front.ts";
export { createHttpsListener } from "./edge/tls/https-server.ts";
export { domainsThroughStore } from "./edge/tls/store-domains.ts";
export type { Edge, EdgeCacheSettings, EdgeOptions, EdgeTarget, RequestReport } from "./edge/types.ts";
export { createFunctionHost } from "./function-host/host.ts";
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_WORKERS_PER_DEPLOYMENT,
  DEFAULT_WORKER_LIMITS,
  type WorkerLimits,
} from "./function-host/limits.ts";
export { parseLoopbackTarget } from "./function-host/loopback-forward.ts";
export type {
  DispatchInput,
  DispatchResult,
  FunctionHost,
  FunctionHostEvent,
  FunctionHostOptions,
  FunctionKind,
  WarmResult,
  WorkerInfo,
} from "./function-host/types.ts";
export { parseWorkerLine, WORKER_LOG_MARK, type WorkerLogLine } from "./function-host/worker-log.ts";
