export { type BundleDirs, bundleDirsIn, DEFAULT_BUNDLES_DIR, writeUnbundledEntries } from "./bundles.ts";
export { BUNDLE_NAMES, CONTROL_PLANE_ENV, EDGE_ENV, OPTIONAL_CONTROL_PLANE_ENV } from "./config.ts";
export { AdminToken, type AdminTokenProps } from "./constructs/admin-token.ts";
export { AlarmTopic, type AlarmTopicProps } from "./constructs/alarm-topic.ts";
export { Api, type ApiProps } from "./constructs/api.ts";
export { Buckets, type BucketsProps, UNALIASED_TAG } from "./constructs/buckets.ts";
export { BUILD_IMAGE, BuildProject, type BuildProjectProps } from "./constructs/build-project.ts";
export { DataTable, type DataTableProps, TABLE_KEYS } from "./constructs/data-table.ts";
export { Edge, type EdgeProps } from "./constructs/edge.ts";
export { DEPLOYMENT_HEADER, EdgeCachePolicies, type EdgeCachePoliciesProps } from "./constructs/edge-cache-policies.ts";
export { EdgeCertificate, type EdgeCertificateProps, type EdgeHostedZone } from "./constructs/edge-certificate.ts";
export { EdgeRouter, type EdgeRouterProps } from "./constructs/edge-router.ts";
export { EncryptionKey, type EncryptionKeyProps } from "./constructs/encryption-key.ts";
export { OutboxRelay, type OutboxRelayProps } from "./constructs/outbox-relay.ts";
export { StepWorkers, type StepWorkersProps } from "./constructs/step-workers.ts";
export { EDGE_FLAGS_OUTPUT, edgeFlagsFrom, edgeFlagsValue } from "./edge-flags-output.ts";
export { DEFAULT_VIEWER_REQUEST_FILE, type EdgeInput, edgeOptionsFrom } from "./edge-options.ts";
export { readAdminToken } from "./ops/admin-token.ts";
export { type AwsTarget, awsErrorFor, describeTarget } from "./ops/aws-target.ts";
export { type ChangeSummary, describeChanges, isEmptySummary, summarizeChanges } from "./ops/change-summary.ts";
export { checkCredentials, type OpsClients, opsClients } from "./ops/clients.ts";
export {
  type ControlPlaneOutputs,
  type ControlPlaneSource,
  deployControlPlane,
  diffControlPlane,
  OUTPUT_NAMES,
  removeControlPlane,
} from "./ops/control-plane.ts";
export { emptyBucket } from "./ops/empty-bucket.ts";
export { type ControlPlaneToolkit, createToolkit, progressHost } from "./ops/toolkit.ts";
export { type SlipwayEdgeOptions, SlipwayStack, type SlipwayStackProps } from "./stack.ts";
export { type AppOptions, createApp, STACK_NAME, type SynthOptions, type SynthResult, synthesize } from "./synth.ts";
