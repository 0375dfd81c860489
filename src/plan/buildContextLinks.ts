import ignore from "@balena/dockerignore";
import * as fs from "fs";
import * as path from "path";
import { Finding, finding } from "../config/finding";
import { realLocation } from "../config/realContainment";

/** The directory of the config root that every agent container mounts (at /app/config) in either image mode. */
export const MOUNTED_CONFIG_DIR = "config";

/** Entries one walk visits at most; the user's monorepo has a few thousand. */
export const MAX_CONTEXT_ENTRIES = 200_000;

/**
 * Symbolic links of the build context that leave it or dangle. `COPY . /app` copies a link as a
 * link (Docker does not follow links in the context), so in the image it points to a path of the
 * user's machine that is not there: an error in build mode, for every link the context's own
 * `.dockerignore` lets in (matched by @balena/dockerignore, the library dockerode sends contexts
 * with). In prebuilt mode nothing is built from the tree, but config/ is still bind-mounted into
 * every agent container, where a link in it dangles the same way: a warning there.
 */
export function buildContextLinks(configRoot: string, imageMode: "build" | "prebuilt"): Finding[] {
  const root = path.resolve(configRoot);
  const start = imageMode === "build" ? "" : MOUNTED_CONFIG_DIR;
  let text = "";
  try {
    text = fs.readFileSync(path.join(root, ".dockerignore"), "utf8");
  } catch {
    // No .dockerignore: the context is the whole tree (the image inputs report the missing file).
  }
  const ignored = imageMode === "build" ? ignore().add(text) : ignore();
  // Like Docker, an excluded directory is skipped whole unless a `!` rule may let part of it in.
  const negations = /^\s*!/m.test(text);
  const findings: Finding[] = [];
  const pending = [start];
  let visited = 0;
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue; // absent (no config/) or unreadable: nothing of it reaches an image
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (++visited > MAX_CONTEXT_ENTRIES) {
        findings.push(finding("warning", "outside-link", `the build context ${root} has more than ${MAX_CONTEXT_ENTRIES} entries; symbolic links were checked in the first ${MAX_CONTEXT_ENTRIES} only: exclude data and other large directories in .dockerignore`, { file: ".dockerignore", line: 1 }));
        return findings;
      }
      const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (ignored.ignores(relative) && !(entry.isDirectory() && negations)) continue;
      if (entry.isDirectory()) {
        pending.push(relative);
        continue;
      }
      if (!entry.isSymbolicLink()) continue;
      const location = realLocation(root, relative);
      if (location.kind === "inside") continue;
      const target = fs.readlinkSync(path.join(root, relative));
      const where = location.kind === "missing" ? `${target}, which does not exist` : `${target}, outside the config root`;
      findings.push(
        imageMode === "build"
          ? finding(
              "error",
              "outside-link",
              `${relative} is a symbolic link to ${where}: COPY . /app would carry it dangling into every group image; replace it with the files it points to, delete it, or add /${relative} to .dockerignore`,
              { file: relative, line: 1 },
            )
          : finding(
              "warning",
              "outside-link",
              `${relative} is a symbolic link to ${where}: ${MOUNTED_CONFIG_DIR}/ is mounted into every agent container at /app/${MOUNTED_CONFIG_DIR}, where it dangles; replace it with the file it points to`,
              { file: relative, line: 1 },
            ),
      );
    }
  }
  return findings;
}
