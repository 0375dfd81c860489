import { Finding, formatFindings } from "../config/finding";
import { Environment } from "../config/substituteEnvironment";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { PythonFiles } from "../python/pythonFiles";
import { ImageSettings } from "../render/deploymentSettings";
import { prebuiltGroupImages } from "../render/groupImages";
import { GroupImageSpec } from "../render/spec";
import { buildGroupImage } from "./groupImage";
import { readImageInputs } from "./readImageInputs";

export type GroupImagesOutcome = { readonly ok: true; readonly images: readonly GroupImageSpec[] } | { readonly ok: false; readonly problems: readonly Finding[] };

export interface GroupImagesRequest {
  readonly plan: DeploymentPlan;
  readonly configRoot: string;
  readonly images: ImageSettings;
  /** The plan's environment (for the staleness check of the generated requirements). */
  readonly env: Environment;
  /** The plan's parses of the Python files (see PlanOptions.pythonFiles). */
  readonly pythonFiles?: PythonFiles;
}

/**
 * One image per planned group, in plan order. `prebuilt`: the settings name them and nothing is
 * read. `build`: the generated requirements and the code are read and hashed; any problem
 * (missing or stale requirements, a missing script, no .dockerignore) means no images at all.
 */
export function resolveGroupImages(request: GroupImagesRequest): GroupImagesOutcome {
  const { plan, images } = request;
  if (images.mode === "prebuilt") return { ok: true, images: prebuiltGroupImages(images, plan.containers.map((c) => c.name)) };
  const read = readImageInputs({ plan, configRoot: request.configRoot, env: request.env, pythonFiles: request.pythonFiles });
  if (read.problems.length > 0) return { ok: false, problems: read.problems };
  const byGroup = new Map(read.inputs.map((i) => [i.group, buildGroupImage(i, images)]));
  return { ok: true, images: plan.containers.map((c) => byGroup.get(c.name)!) };
}

/** The RunError text: what is wrong with each image, and the two ways out. */
export function imageRefusal(machine: string, configRoot: string, problems: readonly Finding[]): string {
  return [
    `The ${machine} images cannot be built from ${configRoot}; nothing was deployed. Fix these (usually: npm run requirements -- --config-root ${configRoot}) and run again, or set imageMode to prebuilt:`,
    ...formatFindings(problems),
  ].join("\n");
}
