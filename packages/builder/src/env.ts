import path from "node:path";

export interface ChildEnvInput {
  /** The build's private folders: nothing of the platform's own HOME or TMPDIR is shared. */
  homeDir: string;
  tmpDir: string;
  /** The project's package-manager cache (npm, pnpm store, yarn cache). */
  pmCacheDir: string;
  /** The package manager's cache and network settings (package-managers/manager-env.ts). */
  managerEnv: Record<string, string>;
  /** Folders of the package manager's commands, after Node's bin folder on PATH. */
  toolBinDirs: string[];
  deploymentId: string;
  /** The user's variables (project env vars + system vars). */
  userEnv: Record<string, string>;
  /** Platform-level additions from options (e.g. a registry mirror or proxy). */
  extraEnv: Record<string, string>;
}

// Set by the platform after the user's values, so a project cannot point the build's cache or
// temp folders somewhere else or fake the deployment id.
const PINNED = ["HOME", "TMPDIR", "PATH", "NEXT_DEPLOYMENT_ID", "npm_config_cache"] as const;

/**
 * The build's environment, made from nothing: the platform's process.env (master key, tokens,
 * database paths) never reaches user code. Node's bin folder comes first on PATH so `npm` and
 * `node` are the platform's pinned ones.
 */
export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const nodeBin = path.dirname(process.execPath);
  const pinned: Record<(typeof PINNED)[number], string> = {
    HOME: input.homeDir,
    TMPDIR: input.tmpDir,
    PATH: [nodeBin, ...input.toolBinDirs, "/usr/local/bin", "/usr/bin", "/bin"].filter(unique).join(":"),
    NEXT_DEPLOYMENT_ID: input.deploymentId,
    npm_config_cache: path.join(input.pmCacheDir, "npm"),
  };
  return {
    LANG: "C.UTF-8",
    CI: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    ...input.managerEnv,
    ...input.extraEnv,
    ...input.userEnv,
    ...pinned,
  };
}

function unique(value: string, index: number, all: string[]): boolean {
  return all.indexOf(value) === index;
}

/** The env for git on the host: no prompts, no user or system config, no credential helpers. */
export function buildGitEnv(homeDir: string, extraEnv: Record<string, string>): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: homeDir,
    LANG: "C.UTF-8",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    // Strict host keys (from /etc/ssh/ssh_known_hosts): the build's HOME is empty, so
    // "accept-new" would trust whatever answers. Deploy keys come in through gitEnv.
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
    ...extraEnv,
  };
}
