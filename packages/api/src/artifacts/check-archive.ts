import { createHash } from "node:crypto";
import path from "node:path";
import {
  artifactLinksAllowed,
  type DeploymentManifest,
  isArtifactPath,
  MANIFEST_FILE,
  manifestSchema,
  SlipwayError,
} from "@slipway/core";
import { Parser, type ReadEntry } from "tar";

/** What an uploaded artifact may hold at most, unpacked (what the Deployer will unpack). */
export const ARTIFACT_LIMITS = { maxEntries: 100_000, maxUnpackedBytes: 1024 * 1024 * 1024 };
const MANIFEST_MAX_BYTES = 1024 * 1024;
const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);

export interface CheckedArchive {
  manifest: DeploymentManifest;
  /** SHA-256 of the archive as uploaded, hex. */
  sha256: string;
}

/**
 * Reads an uploaded artifact archive (a tar, gzipped or not) without unpacking it and refuses it,
 * naming the first bad entry, unless it is what a build stores: relative paths without `..`, only
 * files, folders and links that stay inside (symlinks only where a build may have them), each path
 * once, bounded in count and size, and a manifest whose server (and image) entry files are in it.
 * The Deployer unpacks it again with its own checks; this gate is what lets the API store it.
 */
export async function checkArtifactArchive(archive: Buffer, limits = ARTIFACT_LIMITS): Promise<CheckedArchive> {
  const seen = new Map<string, string>();
  let unpacked = 0;
  let problem: string | null = null;
  let manifestText: Promise<string> | null = null;
  const refuse = (why: string) => {
    problem ??= why;
  };

  const parser = new Parser({ strict: true });
  parser.on("entry", (entry: ReadEntry) => {
    const name = entryPath(entry.path);
    if (problem === null) {
      const why = entryProblem(entry, name, seen);
      unpacked += entry.size;
      if (why) refuse(`entry ${JSON.stringify(entry.path)} ${why}`);
      else if (seen.size >= limits.maxEntries) refuse(`has more than ${limits.maxEntries} entries`);
      else if (unpacked > limits.maxUnpackedBytes)
        refuse(`unpacks to more than ${limits.maxUnpackedBytes} bytes (at entry ${JSON.stringify(entry.path)})`);
      else seen.set(name, entry.type);
    }
    if (problem === null && name === MANIFEST_FILE && FILE_TYPES.has(entry.type)) {
      if (entry.size > MANIFEST_MAX_BYTES) refuse(`entry ${MANIFEST_FILE} is larger than ${MANIFEST_MAX_BYTES} bytes`);
      else manifestText = entry.concat().then((body) => body.toString("utf8"));
    }
    entry.resume();
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.on("end", () => resolve());
    parser.on("error", (error: unknown) => reject(error));
  });
  try {
    parser.end(archive);
    await done;
  } catch (error) {
    refuse(`is not a readable tar archive (${error instanceof Error ? error.message : String(error)})`);
  }
  if (problem === null && seen.size === 0) refuse("is empty or not a tar archive");
  if (problem !== null) throw invalid(`The artifact ${problem}.`);
  if (manifestText === null) throw invalid(`The artifact has no ${MANIFEST_FILE} at its root.`);
  const manifest = parseManifestText(await manifestText);
  for (const file of entryFiles(manifest)) {
    if (!FILE_TYPES.has(seen.get(file) ?? "")) {
      throw invalid(`The artifact's manifest names ${file}, which is not a file in the artifact.`);
    }
  }
  return { manifest, sha256: createHash("sha256").update(archive).digest("hex") };
}

/** The path as an artifact path: `./` and a folder's trailing `/` dropped, nothing else changed. */
function entryPath(raw: string): string {
  return raw.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

function entryProblem(entry: ReadEntry, name: string, seen: Map<string, string>): string | null {
  if (path.posix.isAbsolute(entry.path) || /^[a-zA-Z]:/.test(entry.path)) return "is an absolute path";
  if (name.split("/").includes("..")) return "steps out of the artifact with ..";
  if (!isArtifactPath(name)) return "is not a relative path inside the artifact";
  if (seen.has(name)) return "appears twice (a later copy would replace the one checked)";
  switch (entry.type) {
    case "File":
    case "OldFile":
    case "ContiguousFile":
    case "Directory":
      return null;
    case "SymbolicLink":
      return symlinkProblem(name, entry.linkpath ?? "");
    case "Link":
      // A hard link names another entry of the archive, by its path from the root.
      return isArtifactPath(entryPath(entry.linkpath ?? ""))
        ? null
        : `is a hard link to ${entry.linkpath} outside the artifact`;
    default:
      return `has type ${entry.type}; only files, folders and links are allowed`;
  }
}

function symlinkProblem(name: string, target: string): string | null {
  if (!artifactLinksAllowed(name))
    return `is a symlink (to ${target}); builds have links only inside a function's node_modules`;
  if (target === "" || path.posix.isAbsolute(target)) return `is a symlink to the absolute path ${target}`;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(name), target));
  if (resolved === ".." || resolved.startsWith("../")) return `is a symlink to ${target}, outside the artifact`;
  return null;
}

function parseManifestText(text: string): DeploymentManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(`The artifact's ${MANIFEST_FILE} is not JSON.`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    throw invalid(`The artifact's ${MANIFEST_FILE} is invalid at ${where}: ${issue?.message ?? "unknown problem"}.`);
  }
  return parsed.data;
}

/** The files a deployer opens first: without them the artifact cannot run. */
function entryFiles(manifest: DeploymentManifest): string[] {
  const files = [`${manifest.server.dir}/${manifest.server.entry}`];
  if (manifest.image) files.push(`${manifest.image.dir}/${manifest.image.entry}`);
  return files.map((file) => path.posix.normalize(file));
}

function invalid(message: string): SlipwayError {
  return new SlipwayError(
    "INVALID_ARTIFACT",
    message,
    "Upload the archive `slipway` packs from a build's .open-next folder and its slipway-manifest.json.",
  );
}
