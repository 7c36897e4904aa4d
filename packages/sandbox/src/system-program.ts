import { existsSync } from "node:fs";
import path from "node:path";

/** The PATH sandboxes and their helpers run with: the system's, never the user's. */
export const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

/** The first `name` on `searchPath`, or null. */
export function findSystemProgram(name: string, searchPath = SYSTEM_PATH): string | null {
  for (const dir of searchPath.split(":")) {
    const candidate = path.join(dir, name);
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  return null;
}
