import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Config-root-relative path -> file text. */
export type ConfigFiles = Readonly<Record<string, string>>;

/** A config-root-relative path the way the loader normalizes include targets (`./a//b` -> `a/b`). */
export function normalizeConfigPath(relative: string): string {
  return path.posix.normalize(relative.trim().replace(/\\/g, "/"));
}

/** Writes files (config-root-relative path -> text) into a fresh temporary config root. */
export function writeConfigRoot(files: Readonly<Record<string, string>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-config-"));
  for (const [relative, text] of Object.entries(files)) {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return root;
}

export function removeConfigRoot(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** Runs `body` with a temporary config root that is removed afterwards, even on failure. */
export function withConfigRoot<T>(files: Readonly<Record<string, string>>, body: (root: string) => T): T {
  const root = writeConfigRoot(files);
  try {
    return body(root);
  } finally {
    removeConfigRoot(root);
  }
}

/** The two real snapshots of the user's configuration, read in place from shared/. */
export const FIXTURES = path.resolve(__dirname, "..", "..", "..", "shared", "fixtures", "voice-assistant-prod");
export const INCLUDE_FIXTURE = path.join(FIXTURES, "2025-07-26-include");
export const V3_FIXTURE = path.join(FIXTURES, "2025-07-26-v3");
/** The user's whole monorepo at the same commit: config and every Python file. */
export const V3_TREE = path.join(FIXTURES, "2025-07-26-v3-tree");
/** The project's own root: its config/ holds the default configuration. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
