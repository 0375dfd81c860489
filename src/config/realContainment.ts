/**
 * Containment by real location: a root-relative path is inside the root only if, symlinks
 * resolved (of the file and of every directory on its way, and of the root itself), it still is.
 * The lexical test alone let a link inside the root lead to any file on the machine.
 */
import * as fs from "fs";
import * as path from "path";

export type RealLocation =
  | { readonly kind: "inside"; readonly real: string }
  | { readonly kind: "outside"; readonly real: string }
  | { readonly kind: "missing" };

export function realLocation(root: string, relative: string): RealLocation {
  const absolute = path.resolve(root, relative);
  let real: string;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
    real = fs.realpathSync(absolute);
  } catch {
    return { kind: "missing" };
  }
  const rel = path.relative(realRoot, real);
  return rel.startsWith("..") || path.isAbsolute(rel) ? { kind: "outside", real } : { kind: "inside", real };
}
