import type { Command } from "../command.ts";
import { adminBackup } from "./admin-backup.ts";
import { adminCacheClear } from "./admin-cache-clear.ts";
import { adminInstallService } from "./admin-install-service.ts";
import { adminRestart } from "./admin-restart.ts";
import { adminRestore } from "./admin-restore.ts";
import { adminStatus } from "./admin-status.ts";
import { awsDeploy } from "./aws-deploy.ts";
import { awsDestroy } from "./aws-destroy.ts";
import { awsSynth } from "./aws-synth.ts";
import { awsUpgrade } from "./aws-upgrade.ts";
import { cancel } from "./cancel.ts";
import { cost } from "./cost.ts";
import { deploy } from "./deploy.ts";
import { deploymentsLs } from "./deployments-ls.ts";
import { doctor } from "./doctor.ts";
import { domainsAdd } from "./domains-add.ts";
import { domainsLs } from "./domains-ls.ts";
import { domainsRm } from "./domains-rm.ts";
import { domainsVerify } from "./domains-verify.ts";
import { envAdd } from "./env-add.ts";
import { envLs } from "./env-ls.ts";
import { envPull } from "./env-pull.ts";
import { envRm } from "./env-rm.ts";
import { invite } from "./invite.ts";
import { login } from "./login.ts";
import { logs } from "./logs.ts";
import { metrics } from "./metrics.ts";
import { projectsCreate } from "./projects-create.ts";
import { projectsLs } from "./projects-ls.ts";
import { projectsRm } from "./projects-rm.ts";
import { projectsUpdate } from "./projects-update.ts";
import { promote } from "./promote.ts";
import { rollback } from "./rollback.ts";
import { rotateKey } from "./rotate-key.ts";
import { teamsLs } from "./teams-ls.ts";
import { tokensCreate, tokensLs, tokensRm } from "./tokens.ts";
import { up } from "./up.ts";
import { usage } from "./usage.ts";
import { whoami } from "./whoami.ts";
import { worker } from "./worker.ts";

export const COMMANDS: Command[] = [
  up,
  doctor,
  worker,
  login,
  whoami,
  tokensCreate,
  tokensLs,
  tokensRm,
  teamsLs,
  invite,
  projectsCreate,
  projectsLs,
  projectsUpdate,
  projectsRm,
  deploy,
  deploymentsLs,
  logs,
  metrics,
  usage,
  cost,
  rollback,
  promote,
  cancel,
  envAdd,
  envLs,
  envRm,
  envPull,
  domainsAdd,
  domainsLs,
  domainsVerify,
  domainsRm,
  rotateKey,
  adminCacheClear,
  awsSynth,
  awsDeploy,
  awsUpgrade,
  awsDestroy,
  adminRestart,
  adminInstallService,
  adminStatus,
  adminBackup,
  adminRestore,
] as Command[];

/** Flags every command takes. */
export const GLOBAL_FLAGS = {
  json: { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Command["options"];

/**
 * Every flag of every command, to find the command's words before knowing the command. A flag
 * name means one thing everywhere (registry.test.ts checks), so this union is unambiguous.
 */
export const ALL_OPTIONS: Command["options"] = Object.assign({}, GLOBAL_FLAGS, ...COMMANDS.map((c) => c.options));

/** The command whose path is the longest prefix of the words given. */
export function findCommand(words: string[]): Command | null {
  let best: Command | null = null;
  for (const command of COMMANDS) {
    if (command.path.every((part, i) => words[i] === part) && command.path.length > (best?.path.length ?? 0)) {
      best = command;
    }
  }
  return best;
}
