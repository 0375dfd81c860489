import { ordinal } from "../config/ordinal";
import { Machine } from "../config/machine";
import { ContainerPlan } from "../plan/deploymentPlan";
import { distributionFor } from "./distributions";
import { ImportScan } from "./importScanner";
import { AUDIO_CLIENT_PACKAGES, systemPackagesFor } from "./systemPackages";

/** What one docker group's image has to install. */
export interface GroupRequirements {
  readonly group: string;
  readonly machine: Machine;
  readonly gpu: boolean;
  /** Sorted by name; `found` is false when the script does not exist (its imports are unknown). */
  readonly agents: readonly { readonly name: string; readonly scriptPath: string; readonly found: boolean }[];
  /** Distributions the code imports outside fallbacks; sorted (see compareDistributions). */
  readonly distributions: readonly string[];
  /** The subset of `distributions` named after an import no table entry knows: verify them. */
  readonly unmapped: readonly string[];
  /** Distributions imported only as ImportError fallbacks: not installed, listed for reference. */
  readonly optional: readonly string[];
  /** apt packages for the image, from `systemPackagesFor` over the required modules. */
  readonly systemPackages: readonly string[];
}

/** pip's idea of "the same distribution" (PEP 503): case and runs of `-_.` do not matter. */
export function normalizeDistribution(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Case-insensitive like pip-compile's output, with code-point order breaking ties, so it is stable. */
export function compareDistributions(a: string, b: string): number {
  return ordinal(normalizeDistribution(a), normalizeDistribution(b)) || ordinal(a, b);
}

export function groupRequirements(container: ContainerPlan, scan: ImportScan): GroupRequirements {
  const gpu = container.gpu !== null;
  const required = new Map<string, string>();
  const mappedKeys = new Set<string>();
  const unmappedKeys = new Set<string>();
  const optional = new Map<string, string>();
  const requiredModules: string[] = [];
  for (const [module, fallbackOnly] of scan.thirdParty) {
    const distribution = distributionFor(module, gpu);
    const key = normalizeDistribution(distribution.name);
    if (fallbackOnly) {
      optional.set(key, distribution.name);
      continue;
    }
    requiredModules.push(module);
    if (!required.has(key)) required.set(key, distribution.name);
    (distribution.mapped ? mappedKeys : unmappedKeys).add(key);
  }
  for (const key of required.keys()) optional.delete(key);
  const found = new Set(scan.foundAgents);
  return {
    group: container.name,
    machine: container.machine,
    gpu,
    agents: [...container.agents].sort((a, b) => ordinal(a.name, b.name)).map((a) => ({ name: a.name, scriptPath: a.scriptPath, found: found.has(a.name) })),
    distributions: [...required.values()].sort(compareDistributions),
    unmapped: [...unmappedKeys].filter((k) => !mappedKeys.has(k)).map((k) => required.get(k)!).sort(compareDistributions),
    optional: [...optional.values()].sort(compareDistributions),
    systemPackages: [...new Set([...systemPackagesFor(requiredModules), ...(container.audioAgents.length > 0 ? AUDIO_CLIENT_PACKAGES : [])])].sort(ordinal),
  };
}
