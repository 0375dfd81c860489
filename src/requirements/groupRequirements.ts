import { ordinal } from "../config/ordinal";
import { Machine } from "../config/machine";
import { ContainerPlan } from "../plan/deploymentPlan";
import { NO_REQUIREMENTS_SETTINGS, RequirementsLayer } from "../config/requirementsSettings";
import { distributionFor } from "./distributions";
import { ImportScan } from "./importScanner";
import { formatRequirement, normalizeDistribution, RequirementSpec } from "./requirementLine";
import { UserConstraint } from "./userRequirements";
import { AUDIO_CLIENT_PACKAGES, systemPackagesFor } from "./systemPackages";

/** What one docker group's image has to install. */
export interface GroupRequirements {
  readonly group: string;
  readonly machine: Machine;
  readonly gpu: boolean;
  /** Sorted by name; `found` is false when the script does not exist (its imports are unknown). */
  readonly agents: readonly { readonly name: string; readonly scriptPath: string; readonly found: boolean }[];
  /** Distributions the code imports outside fallbacks, and the settings' extra ones; sorted (see compareDistributions). */
  readonly distributions: readonly string[];
  /**
   * The line written for each of `distributions`, in the same order: the requirement with the
   * version it gets (a pin of the settings, else the extra line's own, else the user's files),
   * a comment naming where the version came from; unmapped names commented out.
   */
  readonly lines: readonly string[];
  /** Distributions the imports need that the settings exclude; sorted. */
  readonly excluded: readonly string[];
  /** The subset of `distributions` named after an import no table entry knows: verify them. */
  readonly unmapped: readonly string[];
  /** Distributions imported only as ImportError fallbacks: not installed, listed for reference. */
  readonly optional: readonly string[];
  /** apt packages for the image, from `systemPackagesFor` over the required modules. */
  readonly systemPackages: readonly string[];
}

/** Case-insensitive like pip-compile's output, with code-point order breaking ties, so it is stable. */
export function compareDistributions(a: string, b: string): number {
  return ordinal(normalizeDistribution(a), normalizeDistribution(b)) || ordinal(a, b);
}

/** What a group's file takes besides its scan: the resolved settings and the user's versions (by PEP 503 key). */
export interface GroupRequirementsOptions {
  readonly settings?: RequirementsLayer;
  readonly constraints?: ReadonlyMap<string, UserConstraint>;
}

const UNMAPPED_NOTE = "unmapped import name: not installed; map it to its distribution (docker_defaults.requirements.map), exclude it, or make it local code";

export function groupRequirements(container: ContainerPlan, scan: ImportScan, options: GroupRequirementsOptions = {}): GroupRequirements {
  const settings = options.settings ?? NO_REQUIREMENTS_SETTINGS.defaults;
  const constraints = options.constraints ?? new Map<string, UserConstraint>();
  const overrides = new Map([...settings.map].map(([module, d]) => [module, d.value]));
  const gpu = container.gpu !== null;
  const required = new Map<string, string>();
  const mappedKeys = new Set<string>();
  const unmappedKeys = new Set<string>();
  const optional = new Map<string, string>();
  const excluded = new Map<string, string>();
  const requiredModules: string[] = [];
  for (const [module, fallbackOnly] of scan.thirdParty) {
    const distribution = distributionFor(module, gpu, overrides);
    const key = normalizeDistribution(distribution.name);
    if (settings.exclude.has(key)) {
      if (!fallbackOnly) excluded.set(key, distribution.name);
      continue;
    }
    if (fallbackOnly) {
      optional.set(key, distribution.name);
      continue;
    }
    requiredModules.push(module);
    if (!required.has(key)) required.set(key, distribution.name);
    (distribution.mapped ? mappedKeys : unmappedKeys).add(key);
  }
  for (const [key, extra] of settings.extra) {
    if (!required.has(key)) required.set(key, extra.value.name);
    mappedKeys.add(key);
  }
  for (const key of required.keys()) optional.delete(key);
  // An import name the user's own requirements files list as a distribution (netifaces) is theirs to vouch for.
  const unmapped = new Set([...unmappedKeys].filter((k) => !mappedKeys.has(k) && !constraints.has(k)));
  const distributions = [...required.values()].sort(compareDistributions);
  const found = new Set(scan.foundAgents);
  return {
    group: container.name,
    machine: container.machine,
    gpu,
    agents: [...container.agents].sort((a, b) => ordinal(a.name, b.name)).map((a) => ({ name: a.name, scriptPath: a.scriptPath, found: found.has(a.name) })),
    distributions,
    lines: distributions.map((name) => {
      const key = normalizeDistribution(name);
      if (unmapped.has(key)) return `# ${name}  # ${UNMAPPED_NOTE}`;
      const version = versionOf(key, settings, constraints);
      return version === null ? name : `${formatRequirement({ ...version.requirement, name })}  # ${version.origin}`;
    }),
    unmapped: [...unmapped].map((k) => required.get(k)!).sort(compareDistributions),
    excluded: [...excluded.values()].sort(compareDistributions),
    optional: [...optional.values()].sort(compareDistributions),
    systemPackages: [...new Set([...systemPackagesFor(requiredModules), ...(container.audioAgents.length > 0 ? AUDIO_CLIENT_PACKAGES : [])])].sort(ordinal),
  };
}

function hasVersion(r: RequirementSpec): boolean {
  return r.specifier !== "" || r.url !== null || r.marker !== null || r.extras.length > 0;
}

/** The settings' pin, else the extra line's own version, else the user's files; null when nobody says (and it is no extra). */
function versionOf(key: string, settings: RequirementsLayer, constraints: ReadonlyMap<string, UserConstraint>): { requirement: RequirementSpec; origin: string } | null {
  const pin = settings.pins.get(key);
  if (pin !== undefined) return { requirement: pin.value, origin: `pinned in ${pin.source.file}` };
  const extra = settings.extra.get(key);
  if (extra !== undefined && hasVersion(extra.value)) return { requirement: extra.value, origin: `extra in ${extra.source.file}` };
  const user = constraints.get(key);
  if (user !== undefined) return { requirement: user.requirement, origin: `version from ${user.file}${extra === undefined ? "" : `, extra in ${extra.source.file}`}` };
  return extra === undefined ? null : { requirement: extra.value, origin: `extra in ${extra.source.file}` };
}
