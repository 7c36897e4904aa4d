import { inject } from "vitest";

// Each unit test process makes its temp files (os.tmpdir(), and git's and CDK's, which read
// TMPDIR too) inside the run's folder. Only this project's processes: the integration tests
// share fixture builds through the real /tmp across runs.
process.env.TMPDIR = inject("unitScratch");
