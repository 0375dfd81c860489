/**
 * Writes the compose export's files (the compose files, generated uploads and the env file with
 * the secrets) only inside the output directory and never through a symbolic link: a link
 * planted at `.env` or at a directory on the way (pointing at /etc, at a shared file, at another
 * user's file) would otherwise receive the secrets or be overwritten. Every directory below the
 * output directory is checked with lstat, the file is opened with O_NOFOLLOW and checked on the
 * open descriptor (a regular file with one link: a hard link would share the secrets and the
 * 0600 mode with another name), so what is checked is what is written.
 */
import * as fs from "fs";
import * as path from "path";
import { Finding, finding } from "../config/finding";

export interface OutputFile {
  /** Path relative to the output directory. */
  readonly path: string;
  readonly content: string;
  /** Permission bits (e.g. 0o600 for the env file); default 0o644. */
  readonly mode?: number;
}

function refusal(target: string, problem: string): Finding {
  return finding("error", "compose-export", `refusing to write ${target}: ${problem}; nothing was written`, { file: target, line: 1 });
}

/** `relative` as a path inside `outDir`, or null when it leaves it (`..`, absolute). */
function inside(relative: string): string[] | null {
  if (path.isAbsolute(relative)) return null;
  const parts = path.normalize(relative).split(path.sep).filter((p) => p !== "" && p !== ".");
  return parts.length === 0 || parts.includes("..") ? null : parts;
}

/** What is in the way of writing `relative` under the real `outDir`, without changing anything. */
function obstacle(outDir: string, relative: string): Finding | null {
  const parts = inside(relative);
  const target = path.join(outDir, relative);
  if (parts === null) return refusal(target, `it is outside the output directory ${outDir}; give a path inside --out`);
  let at = outDir;
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    const last = i === parts.length - 1;
    if (stat.isSymbolicLink()) return refusal(target, `${at} is a symbolic link (to ${fs.readlinkSync(at)}); remove it`);
    if (!last && !stat.isDirectory()) return refusal(target, `${at} is not a directory`);
    if (last && !stat.isFile()) return refusal(target, `${at} exists and is not a regular file`);
    if (last && stat.nlink > 1) return refusal(target, `${at} has ${stat.nlink} hard links, so other names would share what is written; remove it`);
  }
  return null;
}

/**
 * Writes every file, or none: all are checked first (findings for each refused one). The
 * output directory itself may be reached through links (the user named it); nothing below it.
 */
export function writeOutputFiles(outDir: string, files: readonly OutputFile[]): { readonly written: string[] } | { readonly findings: Finding[] } {
  fs.mkdirSync(outDir, { recursive: true });
  const root = fs.realpathSync(outDir);
  const findings = files.flatMap((f) => obstacle(root, f.path) ?? []);
  if (findings.length > 0) return { findings };
  const written: string[] = [];
  for (const file of files) {
    const parts = inside(file.path)!;
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      dir = path.join(dir, part);
      // mkdir does not follow a link at its own name (EEXIST); the lstat says what is there.
      try {
        fs.mkdirSync(dir, { mode: 0o755 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const stat = fs.lstatSync(dir);
      if (stat.isSymbolicLink() || !stat.isDirectory()) return { findings: [refusal(path.join(root, file.path), `${dir} changed into a link or file while writing`)] };
    }
    const target = path.join(dir, parts[parts.length - 1]!);
    const problem = writeRegularFile(target, file.content, file.mode ?? 0o644);
    if (problem !== null) return { findings: [problem] };
    written.push(target);
  }
  return { written };
}

/**
 * The last step, on the descriptor: O_NOFOLLOW refuses a link that appeared after the checks
 * (ELOOP), fstat a hard link or a non-file; only then is the file truncated and written.
 */
export function writeRegularFile(target: string, content: string, mode: number): Finding | null {
  let fd: number;
  try {
    fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") return refusal(target, "it is a symbolic link; remove it");
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.nlink > 1) return refusal(target, "it is not a regular file with one link");
    fs.fchmodSync(fd, mode);
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, content);
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
