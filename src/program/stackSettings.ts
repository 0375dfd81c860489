import { createPrivateKey, X509Certificate } from "node:crypto";
import * as path from "path";
import { normalizeHostPath } from "../hardening/cisChecks";
import { Finding, finding, sortFindings } from "../config/finding";
import { DEFAULT_HEALTH_GATE, HEALTH_GATES, HealthGate } from "../plan/healthGate";
import { parseMachine } from "../config/machine";
import { DeploymentSettings, GpuSharing, ImageSettings, PublishedService } from "../render/deploymentSettings";
import { supportsStartInterval } from "../render/providerForms";
import { getOwn } from "../config/ownProperty";
import { RETIRED_SETTINGS, SETTING_KEYS, SETTINGS, SettingDefinition, SettingKey } from "./settingDefinitions";

/** Validated stack settings: what the renderers need plus what the program itself uses. */
export interface StackSettings extends DeploymentSettings {
  /** Absolute path of the monorepo root on the machine running pulumi. */
  readonly configRoot: string;
  readonly dockerHost: string;
  readonly dockerSshOpts: readonly string[];
  /** null: take the capacity from the config. */
  readonly vramCapacityMb: number | null;
  /** null: the host's memory is not checked. */
  readonly hostMemoryMb: number | null;
  /** Which agents gate their container's health (src/plan/healthGate.ts). */
  readonly healthGate: HealthGate;
}

/** Raw stack values as `pulumi.Config.get` returns them (arrays as JSON text). */
export type RawSettings = Readonly<Record<string, string | undefined>>;

export interface SettingsSource {
  /** The stack file, named in findings (`Pulumi.mainpc.yaml`). */
  readonly file: string;
  /** Line of a key in the stack file; 1 when unknown. */
  readonly lineOf: (key: string) => number;
  /** Directory relative paths are resolved against (the project directory). */
  readonly baseDir: string;
}

export type SettingsOutcome = { readonly ok: true; readonly settings: StackSettings } | { readonly ok: false; readonly findings: Finding[] };

type Typed = string | number | readonly string[];

function convert(def: SettingDefinition, raw: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  switch (def.type) {
    case "string":
      return { ok: true, value: raw };
    case "integer":
      return /^-?\d+$/.test(raw.trim()) ? { ok: true, value: Number(raw.trim()) } : { ok: false, reason: "not a whole number" };
    case "array": {
      try {
        return { ok: true, value: JSON.parse(raw) };
      } catch {
        return { ok: false, reason: "not a list" };
      }
    }
  }
}

export interface ParseOptions {
  /** `ignore`: leave the secrets out (the plan command renders containers without deploying). */
  readonly secrets: "require" | "ignore";
}

/**
 * Validates the stack's settings (including the secrets, whose values never appear in a
 * message). Every problem is an `invalid-value` finding at the key's line in the stack file.
 */
/** The leaf certificate must be signed by the CA and match its key (node:crypto parses all three). */
export function leafTlsProblem(caPem: string, certPem: string, keyPem: string): string | null {
  try {
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    if (!cert.verify(ca.publicKey)) return "stack secret natsLeafCert is not signed by natsLeafCa; make both with npm run leaf-certs";
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return "stack secret natsLeafKey is not the key of natsLeafCert";
    return null;
  } catch (error) {
    return `stack secrets natsLeafCa, natsLeafCert, natsLeafKey cannot be read (${error instanceof Error ? error.message : String(error)}); make them with npm run leaf-certs`;
  }
}

export function parseStackSettings(raw: RawSettings, source: SettingsSource, options: ParseOptions = { secrets: "require" }): SettingsOutcome {
  const findings: Finding[] = [];
  const at = (key: string) => ({ file: source.file, line: source.lineOf(key) });
  const problem = (key: string, text: string) => findings.push(finding("error", "invalid-value", text, at(`ai-system:${key}`)));
  const values = new Map<SettingKey, Typed>();

  for (const key of SETTING_KEYS) {
    const def: SettingDefinition = SETTINGS[key];
    if (def.secret === true && options.secrets === "ignore") continue;
    const value = raw[key];
    if (value === undefined || (value === "" && def.default === undefined)) {
      if (def.optional === true) continue;
      if (def.default === undefined) problem(key, `stack setting ${key} is missing; ${def.hint}`);
      else values.set(key, def.default);
      continue;
    }
    const converted = convert(def, value);
    const parsed = converted.ok ? def.schema.safeParse(converted.value) : null;
    if (parsed === null || !parsed.success) {
      const shown = def.secret === true ? "the secret value" : JSON.stringify(value);
      const reason = converted.ok ? "" : ` (${converted.reason})`;
      problem(key, `stack setting ${key} is invalid: ${shown}${reason}; ${def.hint}`);
      continue;
    }
    values.set(key, parsed.data as Typed);
  }
  for (const key of Object.keys(raw).sort()) {
    if (Object.hasOwn(SETTINGS, key) || raw[key] === undefined) continue;
    problem(key, getOwn(RETIRED_SETTINGS, key) ?? `unknown stack setting ai-system:${key}; remove it or fix its spelling`);
  }
  if (findings.length > 0) return { ok: false, findings: sortFindings(findings) };

  const str = (key: SettingKey): string => String(values.get(key));
  const num = (key: SettingKey): number => Number(values.get(key));
  const list = (key: SettingKey): string[] => {
    const v = values.get(key);
    return Array.isArray(v) ? v.map(String) : [];
  };

  const machine = parseMachine(str("machine"));
  if (machine === undefined) problem("machine", `stack setting machine is invalid; ${SETTINGS.machine.hint}`);
  if (str("mainpcIp") === str("pc2Ip")) problem("pc2Ip", "stack settings mainpcIp and pc2Ip are the same address; set each host's own LAN address");
  if (options.secrets === "require") {
    // One leaked secret must not open the other services: every role has its own value.
    const roles: SettingKey[] = ["natsLeafPassword", "natsPassword", "redisPassword"];
    roles.forEach((key, i) => {
      const same = roles.slice(0, i).find((other) => str(other) === str(key));
      if (same !== undefined) problem(key, `stack secrets ${same} and ${key} have the same value; give each role its own (e.g. \`openssl rand -base64 24\` for each)`);
    });
    const tls = leafTlsProblem(str("natsLeafCa"), str("natsLeafCert"), str("natsLeafKey"));
    if (tls !== null) problem("natsLeafCert", tls);
  }
  if (num("waitTimeout") <= num("healthcheckStartPeriodSeconds")) {
    problem("waitTimeout", `stack setting waitTimeout (${num("waitTimeout")}) must be longer than healthcheckStartPeriodSeconds (${num("healthcheckStartPeriodSeconds")}), or every deploy times out while models load`);
  }
  if (str("hostPlatform") === "wsl2-docker-desktop" && str("gpuSharing") === "mps") {
    // MPS needs the native Linux driver: "MPS is only supported on the Linux and QNX operating
    // systems" (https://docs.nvidia.com/deploy/mps/when-to-use-mps.html), and under WSL 2 CUDA
    // runs on the Windows driver through /dev/dxg (https://docs.nvidia.com/cuda/wsl-user-guide/).
    problem("gpuSharing", "stack setting gpuSharing mps is not available on hostPlatform wsl2-docker-desktop: NVIDIA MPS needs the native Linux driver, and under WSL 2 CUDA runs on the Windows driver; set gpuSharing none (budgets are then passed as GPU_VRAM_BUDGET_MB, not enforced) or run this host on native Linux");
  }
  const digests: Record<string, string> = {};
  for (const entry of list("imageDigests")) {
    const [group, digest] = entry.split("=");
    if (Object.hasOwn(digests, group)) problem("imageDigests", `stack setting imageDigests pins ${group} twice; keep one`);
    digests[group] = digest;
  }
  if (str("imageMode") !== "prebuilt" && (list("imageDigests").length > 0 || str("imageRegistryUser") !== "")) {
    problem("imageMode", "stack settings imageDigests and imageRegistryUser apply to prebuilt images only; set imageMode prebuilt or remove them");
  }
  if (str("imageRegistryUser") !== "" && str("imageRegistry") === "") {
    problem("imageRegistryUser", "stack setting imageRegistryUser needs imageRegistry (e.g. ghcr.io/<owner>); set it, or remove imageRegistryUser");
  }
  if (options.secrets === "require" && (str("imageRegistryUser") === "") !== ((values.get("imageRegistryPassword") ?? "") === "")) {
    problem("imageRegistryPassword", "stack settings imageRegistryUser and the imageRegistryPassword secret go together; set both (pulumi config set --secret imageRegistryPassword <token>) or neither");
  }
  const extraEnvironment: Record<string, string> = {};
  for (const entry of list("extraEnvironment")) {
    const [name, ...rest] = entry.split("=");
    if (name in extraEnvironment) problem("extraEnvironment", `stack setting extraEnvironment sets ${name} twice; keep one`);
    extraEnvironment[name] = rest.join("=");
  }
  if (findings.length > 0 || machine === undefined) return { ok: false, findings: sortFindings(findings) };

  const configRoot = path.resolve(source.baseDir, str("configRoot"));
  const vram = num("vramCapacityMb");
  const gpuSharing: GpuSharing =
    str("gpuSharing") === "mps"
      ? { mode: "mps", pipeDirectory: normalizeHostPath(str("mpsPipeDirectory")), logDirectory: normalizeHostPath(str("mpsLogDirectory")), user: str("mpsUser") }
      : { mode: "none" };
  const images: ImageSettings =
    str("imageMode") === "prebuilt"
      ? { mode: "prebuilt", registry: str("imageRegistry"), tag: str("imageTag"), digests, registryUser: str("imageRegistryUser") }
      : { mode: "build", torchVersion: str("torchVersion"), torchIndexUrl: str("torchIndexUrl"), buildTimeoutMinutes: num("imageBuildTimeoutMinutes") };
  return {
    ok: true,
    settings: {
      machine,
      platform: str("hostPlatform") === "wsl2-docker-desktop" ? "wsl2-docker-desktop" : "linux",
      lanIps: { mainpc: str("mainpcIp"), pc2: str("pc2Ip") },
      networkName: str("networkName"),
      // Read on this machine (its files are delivered by content), so relative to the project like configRoot.
      hostConfigDir: str("hostConfigDir") === "" ? path.join(configRoot, "config") : path.resolve(source.baseDir, str("hostConfigDir")),
      natsImage: str("natsImage"),
      redisImage: str("redisImage"),
      natsLeafUser: str("natsLeafUser"),
      redisMemoryMb: num("redisMemoryMb"),
      redisCpus: num("redisCpus"),
      natsMemoryMb: num("natsMemoryMb"),
      natsCpus: num("natsCpus"),
      containerUsers: { agent: str("agentContainerUser"), nats: str("natsContainerUser"), redis: str("redisContainerUser") },
      agentProcessLimit: num("agentProcessLimit"),
      agentTmpfsMb: num("agentTmpfsMb"),
      gpuSharing,
      portOffset: num("portOffset"),
      waitTimeoutSeconds: num("waitTimeout"),
      healthcheck: {
        intervalSeconds: num("healthcheckIntervalSeconds"),
        timeoutSeconds: num("healthcheckTimeoutSeconds"),
        retries: num("healthcheckRetries"),
        startPeriodSeconds: num("healthcheckStartPeriodSeconds"),
        startIntervalSeconds: supportsStartInterval(str("dockerApiVersion")) ? num("healthcheckStartIntervalSeconds") : null,
      },
      engineApiVersion: str("dockerApiVersion"),
      publishServices: list("publishServices").filter((s): s is PublishedService => s === "nats" || s === "redis"),
      logMaxSize: str("logMaxSize"),
      logMaxFiles: num("logMaxFiles"),
      extraEnvironment,
      images,
      configRoot,
      dockerHost: str("dockerHost"),
      dockerSshOpts: list("dockerSshOpts"),
      vramCapacityMb: vram === 0 ? null : vram,
      hostMemoryMb: num("hostMemoryMb") === 0 ? null : num("hostMemoryMb"),
      // The schema admits only HEALTH_GATES.
      healthGate: HEALTH_GATES.find((g) => g === str("healthGate")) ?? DEFAULT_HEALTH_GATE,
    },
  };
}
