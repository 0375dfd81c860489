import { createHash } from "crypto";
import { ordinal } from "../config/ordinal";

/**
 * The content hash of an agent-group image: what decides whether the image is built again.
 * Pure: it sees only the parts it is given (src/images/readImageInputs.ts collects them).
 *
 * What a group's hash covers (one part each):
 * - `template`: the Dockerfile template it is built from (docker/Dockerfile.cpu or .gpu);
 * - `requirements`: requirements/base.txt, requirements/<group>.txt, requirements/<group>.system.txt;
 * - `launcher`: requirements/group_launcher.py, the entrypoint the template copies;
 * - `dockerignore`: the context's .dockerignore (it decides which files reach /app);
 * - `code`: every Python file the group's agents run, as the requirements generator's import
 *   scanner finds them: each script, the package __init__.py files `python -m` runs first, and
 *   the monorepo modules they import, transitively;
 * - `build-args`: the build arguments (REQUIREMENTS, SYSTEM_PACKAGES, TORCH_*).
 *
 * Not covered: other files of the context (other groups' code, files read at run time, config/,
 * which is mounted at /app/config anyway), modules imported dynamically (importlib, __import__),
 * the base images behind their tags, and what the package indexes serve for unpinned requirements.
 * Names are context- or project-relative, never absolute, so the hash does not depend on where
 * the checkout is.
 */
export type HashedKind = "template" | "requirements" | "launcher" | "dockerignore" | "code" | "build-args";

export interface HashedPart {
  readonly kind: HashedKind;
  /** Context-relative path (`requirements/core.txt`), project-relative for the template, `args` for build args. */
  readonly name: string;
  readonly content: string | Uint8Array;
}

/** Changes whenever the way parts are framed changes, so an old hash never matches new framing. */
export const HASH_SCHEME = "ai-system agent-group image content v1";

/** `<kind>:<name>`, how a part is listed in ImageBuildSpec.hashed. */
export function hashedLabel(part: Pick<HashedPart, "kind" | "name">): string {
  return `${part.kind}:${part.name}`;
}

/**
 * sha256 (hex) over the parts, sorted by kind and name, each framed by its kind, name and byte
 * length, so no two different sets of parts hash alike by concatenation. The order the parts
 * are given in does not matter; the same part twice is a bug.
 */
export function imageContentHash(parts: readonly HashedPart[]): string {
  const sorted = [...parts].sort((a, b) => ordinal(a.kind, b.kind) || ordinal(a.name, b.name));
  const hash = createHash("sha256");
  hash.update(`${HASH_SCHEME}\n`);
  for (let i = 0; i < sorted.length; i++) {
    const part = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.kind === part.kind && sorted[i - 1]!.name === part.name) {
      throw new Error(`image content part ${hashedLabel(part)} is given twice`);
    }
    const bytes = typeof part.content === "string" ? Buffer.from(part.content, "utf8") : part.content;
    hash.update(`${part.kind}\0${part.name}\0${bytes.byteLength}\0`);
    hash.update(bytes);
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Build arguments as one part: canonical JSON of the sorted name/value pairs. */
export function buildArgsPart(args: Readonly<Record<string, string>>): HashedPart {
  const sorted = Object.keys(args)
    .sort(ordinal)
    .map((name) => [name, args[name]]);
  return { kind: "build-args", name: "args", content: JSON.stringify(sorted) };
}
