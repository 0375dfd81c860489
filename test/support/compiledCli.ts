import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../src/projectRoot";

/** The compiled project (`npm run build`; `npm test` builds first): what `ai-system` runs. */
export const DIST_DIR = path.join(PROJECT_ROOT, "dist");
export const COMPILED_CLI = path.join(DIST_DIR, "src", "cli", "main.js");

/** The compiled module of a source file, e.g. "src/plan/buildDeploymentPlan" -> dist/src/plan/buildDeploymentPlan.js. */
export function compiledModule(source: string): string {
  const file = path.join(DIST_DIR, `${source}.js`);
  assertBuilt(file);
  return file;
}

/** Fails with what to do, rather than with a confusing spawn error, when dist/ is missing or older than src/. */
export function assertBuilt(file: string = COMPILED_CLI): void {
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: run npm run build (npm test does)`);
  const source = path.join(PROJECT_ROOT, path.relative(DIST_DIR, file).replace(/\.js$/, ".ts"));
  if (fs.existsSync(source) && fs.statSync(source).mtimeMs > fs.statSync(file).mtimeMs) {
    throw new Error(`${file} is older than ${source}: run npm run build (npm test does)`);
  }
}
