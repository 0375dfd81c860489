/**
 * Reads the monorepo's config/ directory (what the old /app/config bind exposed) on the machine
 * that runs pulumi, so its files can be delivered by content (src/render/configDelivery.ts).
 * Every regular file below it, recursively; a link is followed only while it stays inside.
 */
import * as fs from "fs";
import * as path from "path";
import { MAX_FILE_BYTES } from "../config/configFiles";
import { Finding, finding } from "../config/finding";
import { ordinal } from "../config/ordinal";
import { realLocation } from "../config/realContainment";
import { ConfigFile } from "../render/spec";

export interface ConfigDirectoryRead {
  /** Sorted by path. */
  readonly files: readonly ConfigFile[];
  readonly findings: readonly Finding[];
}

/** `dir`: absolute. */
export function readConfigDirectory(dir: string): ConfigDirectoryRead {
  const files: ConfigFile[] = [];
  // Real paths of the directories walked: a link back up must not loop.
  const walked = new Set<string>();
  const findings: Finding[] = [];
  const problem = (relative: string, message: string) =>
    findings.push(finding("error", "unreadable-file", message, { file: relative === "" ? dir : path.join(dir, relative), line: 1 }));
  let top: fs.Stats;
  try {
    top = fs.statSync(dir);
  } catch {
    problem("", `the config directory ${dir} does not exist; its files are delivered to every agent group at /app/config: set hostConfigDir (default <configRoot>/config) to the monorepo's config/ directory on this machine`);
    return { files, findings };
  }
  if (!top.isDirectory()) {
    problem("", `the config directory ${dir} is not a directory; set hostConfigDir to the monorepo's config/ directory`);
    return { files, findings };
  }
  const walk = (relative: string): void => {
    walked.add(fs.realpathSync(path.join(dir, relative)));
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dir, relative)).sort(ordinal);
    } catch (error) {
      problem(relative, `${relative} cannot be listed (${(error as NodeJS.ErrnoException).code ?? String(error)}); check its permissions`);
      return;
    }
    for (const name of names) {
      const rel = relative === "" ? name : `${relative}/${name}`;
      const location = realLocation(dir, rel);
      if (location.kind === "missing") {
        problem(rel, `config/${rel} is a broken link; remove it or point it at a file inside the config directory`);
        continue;
      }
      if (location.kind === "outside") {
        problem(rel, `config/${rel} is a link to ${location.real}, outside the config directory; the agents would not see that file: copy it in or remove the link`);
        continue;
      }
      const stat = fs.statSync(location.real);
      if (stat.isDirectory()) {
        if (!walked.has(location.real)) walk(rel);
        continue;
      }
      if (!stat.isFile()) continue;
      if (stat.size > MAX_FILE_BYTES) {
        problem(rel, `config/${rel} is ${stat.size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a delivered config file; move it out of config/`);
        continue;
      }
      const bytes = fs.readFileSync(location.real);
      const content = bytes.toString("utf8");
      // Uploads carry text (`content`); bytes that are not UTF-8 would arrive changed.
      if (!Buffer.from(content, "utf8").equals(bytes)) {
        problem(rel, `config/${rel} is not UTF-8 text and cannot be delivered unchanged; move it out of config/`);
        continue;
      }
      files.push({ path: rel, content });
    }
  };
  walk("");
  return { files: files.sort((a, b) => ordinal(a.path, b.path)), findings };
}
