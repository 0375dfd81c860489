/**
 * The forms in which the Docker provider reads container settings back. @pulumi/docker 5.2.0
 * bridges kreuzwerker/terraform-provider-docker v4.5.0 (commit 5074970c, the `upstream`
 * submodule of pulumi-docker); Pulumi diffs the next program's inputs against the state that
 * the provider's Read stored, so any input spelt differently from its read-back form shows as a
 * change on every `pulumi up` (a replacement, for ForceNew fields such as `cpus`). Each rule
 * names the provider function it mirrors. Nothing here imports Pulumi.
 */
import { RenderError } from "./renderError";

const NANO = 1_000_000_000n;

/**
 * docker/cli opts.ParseCPUs (called by resourceDockerContainerCreate in
 * internal/provider/resource_docker_container_funcs.go): a decimal as a big.Rat times 1e9, which
 * must be a whole number of nano-CPUs. null: the provider would refuse it.
 */
export function parseNanoCpus(text: string): bigint | null {
  const match = /^([0-9]*)(?:\.([0-9]*))?$/.exec(text);
  if (match === null || (match[1] === "" && (match[2] ?? "") === "")) return null;
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > 9) return null;
  return BigInt(match[1] === "" ? "0" : match[1]) * NANO + BigInt(fraction.padEnd(9, "0") || "0");
}

/** big.Rat.FloatString(digits) for a non-negative nano value: rounded half away from zero. */
function floatString(nanos: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const scaled = (nanos * scale * 2n + NANO) / (NANO * 2n);
  const whole = scaled / scale;
  if (digits === 0) return whole.toString();
  return `${whole}.${(scaled % scale).toString().padStart(digits, "0")}`;
}

/**
 * internal/provider/helpers.go nanoInt64ToDecimalString, as resourceDockerContainerRead stores
 * `cpus`: nine decimals; exactly nine `0` characters in that text (whole numbers below 10 and
 * 11-19, 0.5, 0.05 ...) gives one decimal (rounded), otherwise trailing zeros are cut, so 2 ->
 * "2.0", 12 -> "12.0", 10 -> "10.", 20 -> "20.", 1.5 -> "1.5", 0.05 -> "0.1".
 */
export function nanoCpusToDecimalString(nanos: bigint): string {
  if (nanos === 0n) return "0";
  const nine = floatString(nanos, 9);
  if ([...nine].filter((c) => c === "0").length === 9) return floatString(nanos, 1);
  return nine.replace(/0+$/, "");
}

/**
 * The `cpus` input: exactly the text the provider reads back (`cpus` is ForceNew, so any other
 * spelling replaces the container on every update). A value whose read-back text means another
 * number (0.05 reads back as 0.1, 0.01 as 0.0) is refused: no input could ever match its state.
 */
export function providerCpus(cpus: number): string {
  const nanos = Number.isFinite(cpus) && cpus > 0 ? parseNanoCpus(String(cpus)) : null;
  if (nanos === null || nanos === 0n) throw new RenderError(`cpus ${cpus} is not a positive number of CPUs with at most 9 decimals`);
  const text = nanoCpusToDecimalString(nanos);
  if (parseNanoCpus(text) !== nanos) {
    throw new RenderError(
      `cpus ${cpus} cannot be deployed: the Docker provider reads it back as "${text}" (terraform-provider-docker nanoInt64ToDecimalString), so every pulumi up would replace the container; use a value such as ${cpus < 0.1 ? "0.1" : Math.round(cpus * 10) / 10}`,
    );
  }
  return text;
}

/**
 * `memorySwap`: the Docker daemon sets MemorySwap to twice `memory` when it is not given, and
 * resourceDockerContainerRead stores `memory_swap` from it (MB), so an unset input diffs on every
 * update. Equal to `memory`: no swap, and the state matches.
 */
export function providerMemorySwapMb(memoryMb: number): number {
  return memoryMb;
}

/**
 * `ports` is a list (ForceNew) and resourceDockerContainerRead stores it from flattenContainerPorts
 * (resource_docker_container_structures.go), sorted by internal port (byPortAndProtocol).
 */
export function providerPortOrder<T extends { readonly internal: number }>(ports: readonly T[]): T[] {
  return [...ports].sort((a, b) => a.internal - b.internal);
}

/** Docker Engine API versions (`1.44`) compared numerically. */
export function compareApiVersions(a: string, b: string): number {
  const [am, an] = a.split(".").map(Number);
  const [bm, bn] = b.split(".").map(Number);
  return am !== bm ? am - bm : an - bn;
}

/**
 * Docker Engine API level that current Docker ships: Docker 29 serves API 1.52
 * (`docker version --format '{{.Server.APIVersion}}'`).
 */
export const CURRENT_ENGINE_API_VERSION = "1.52";

/**
 * `healthcheck.start_interval` needs API 1.44 (Docker 25): the Docker client library's
 * ContainerCreate refuses a non-zero StartInterval below it ("specify health-check start interval"
 * requires API 1.44), so on older engines every create that sets it fails. The provider sends
 * its default "0s" when it is absent, which every engine accepts.
 */
export const START_INTERVAL_MIN_API_VERSION = "1.44";

export function supportsStartInterval(engineApiVersion: string): boolean {
  return compareApiVersions(engineApiVersion, START_INTERVAL_MIN_API_VERSION) >= 0;
}
