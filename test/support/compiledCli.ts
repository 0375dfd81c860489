import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../src/projectRoot";

/** The compiled project (`npm run build`; `npm test` builds first). */
export const DIST_DIR = path.join(PROJECT_ROOT, "dist");
/** What `ai-system` runs: the command line bundled into one file (scripts/bundleCli.js). */
export const COMPILED_CLI = path.join(DIST_DIR, "ai-system.js");

/** The compiled module of a source file, e.g. "src/plan/buildDeploymentPlan" -> dist/src/plan/buildDeploymentPlan.js. */
export function compiledModule(source: string): string {
  const file = path.join(DIST_DIR, `${source}.js`);
  assertBuilt(file);
  return file;
}

/** Fails with what to do, rather than with a confusing spawn error, when dist/ is missing or older than src/. */
export function assertBuilt(file: string = COMPILED_CLI): void {
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: run npm run build (npm test does)`);
  // The bundle is built from every source file; a compiled module from its own.
  const sources = file === COMPILED_CLI ? sourceFiles(path.join(PROJECT_ROOT, "src")) : [path.join(PROJECT_ROOT, path.relative(DIST_DIR, file).replace(/\.js$/, ".ts"))];
  const built = fs.statSync(file).mtimeMs;
  const newer = sources.find((source) => fs.existsSync(source) && fs.statSync(source).mtimeMs > built);
  if (newer !== undefined) throw new Error(`${file} is older than ${newer}: run npm run build (npm test does)`);
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
