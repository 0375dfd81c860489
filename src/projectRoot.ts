import * as fs from "fs";
import * as path from "path";

/**
 * The project's root: the nearest directory above this module holding package.json. Walked up
 * rather than counted, so the same answer comes from src/ under ts-node and from dist/src/ once
 * compiled (dist/ has no package.json of its own).
 */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
