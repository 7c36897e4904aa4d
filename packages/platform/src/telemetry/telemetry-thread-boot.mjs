// Starts the telemetry thread: registers tsx's loader in this thread first (an `--import` of the
// parent does not reach a worker's own entry), then loads the TypeScript thread module.
import { register } from "tsx/esm/api";

register();
await import("./telemetry-thread.ts");
