import { appendAll } from "../config/appendAll";
import { caseCollisions } from "../config/agentName";
import { ReadCache } from "../config/configFiles";
import { loadEffectiveConfig } from "../config/loadEffectiveConfig";
import { Finding, finding, sortFindings } from "../config/finding";
import { Machine, otherMachine } from "../config/machine";
import { Environment } from "../config/substituteEnvironment";
import { checkAgentDependencies } from "./agentDependencies";
import { planContainers } from "./containerPlan";
import { DeploymentPlan } from "./deploymentPlan";
import { compareWithLegacy } from "./legacyComparison";
import { DEFAULT_HEALTH_GATE, HealthGate } from "./healthGate";
import { findPortClashes } from "./portClashes";
import { checkHost, HostOptions } from "./hostChecks";
import { soundAgents } from "../requirements/soundAgents";
import { preflightAgents } from "./preflight";
import { buildContextLinks } from "./buildContextLinks";
import { PythonFiles } from "../python/pythonFiles";
import { ImportScanner } from "../requirements/importScanner";
import { ModuleResolver } from "../requirements/moduleResolver";

/** What each host's GPU holds when neither the machine override nor the stack says (the contract's hosts table). */
export const DEFAULT_VRAM_GB: Readonly<Record<Machine, number>> = { mainpc: 24, pc2: 12 };

export interface PlanOptions {
  readonly configRoot: string;
  readonly machine: Machine;
  readonly env: Environment;
  /** CONFIG_OVERRIDE; undefined means env.CONFIG_OVERRIDE, null means none. */
  readonly override?: string | null;
  /** Stack setting that wins over `resource_limits.vram_gb`. */
  readonly vramCapacityMb?: number;
  /** Stack setting that wins over `docker_defaults.allow_vram_overcommit`. */
  readonly allowVramOvercommit?: boolean;
  /** The host from the stack settings; without it: Linux, memory not checked. */
  readonly host?: HostOptions;
  /** Stack setting `healthGate`: which agents a container's health waits for (default `dependencies`). */
  readonly healthGate?: HealthGate;
  /** The parses of the config root's Python files, to share with the image inputs read after the plan. */
  readonly pythonFiles?: PythonFiles;
}

const UNKNOWN_HOST: HostOptions = { platform: "linux", memoryMb: null, infrastructureMemoryMb: 0, imageMode: "prebuilt", settingAt: () => ({ file: "Pulumi.yaml", line: 1 }) };

/**
 * The whole pure pipeline for one machine: load both machines' effective configs (the peer's
 * is needed for cross-machine dependencies and host entries), check the agent graph and ports,
 * and plan containers. Registers nothing and never throws on bad config: read `findings`.
 */
export function buildDeploymentPlan(options: PlanOptions): DeploymentPlan {
  const { machine } = options;
  const peerMachine = otherMachine(machine);
  const cache: ReadCache = new Map();
  const own = loadEffectiveConfig({ ...options, cache });
  const peer = loadEffectiveConfig({ ...options, machine: peerMachine, cache });
  const config = own.config;
  const findings: Finding[] = [...own.findings];

  const deps = checkAgentDependencies(machine, config.agents, peer.config.agents, peerMachine);
  appendAll(findings, deps.findings);
  appendAll(findings, caseCollisions(machine, own.config.agents, peer.config.agents));

  const capacitySource = config.locate(["resource_limits", "vram_gb"]);
  const capacityMb = options.vramCapacityMb ?? Math.round((config.vramGb ?? DEFAULT_VRAM_GB[machine]) * 1024);
  const vram = {
    capacityMb,
    headroomMb: config.dockerDefaults.gpuHeadroomMb,
    allowOvercommit: options.allowVramOvercommit ?? config.dockerDefaults.allowVramOvercommit,
    capacitySource,
  };

  // One parse of each Python file per plan: the sound-library scan and the preflight share it.
  const resolver = new ModuleResolver(config.configRoot);
  const pythonFiles = options.pythonFiles ?? new PythonFiles(config.configRoot);
  if (pythonFiles.root !== config.configRoot) throw new Error(`the shared Python parses are of ${pythonFiles.root}, not of the config root ${config.configRoot}`);

  let containers: DeploymentPlan["containers"] = [];
  let waves = 0;
  let longestPath = 0;
  let allocatedMb = 0;
  if (config.dockerGroups === null) {
    // Without a container plan the legacy launcher's view holds: one namespace per machine.
    appendAll(findings, findPortClashes({ description: `${machine} (one network namespace: no docker_groups planned)`, agents: config.agents }));
    findings.push(
      finding(
        "warning",
        "no-container-plan",
        `no docker_groups.${machine} section in the merged config, so no containers are planned; add one (usually in config/overrides/docker.yaml, applied with CONFIG_OVERRIDE=docker)`,
        config.locate([]),
      ),
    );
  } else {
    const soundAgentNames = soundAgents(config.configRoot, config.agents, new ImportScanner(resolver, pythonFiles));
    const planned = planContainers({ machine, groups: config.dockerGroups, agents: config.agents, peerAgents: peer.config.agents, vram, soundAgents: soundAgentNames, healthGate: options.healthGate ?? DEFAULT_HEALTH_GATE });
    appendAll(findings, planned.findings);
    ({ containers, waves, longestPath } = planned);
    allocatedMb = planned.vram.allocatedMb;
  }

  const host = checkHost(machine, containers, options.host ?? UNKNOWN_HOST);
  appendAll(findings, host.findings);
  const preflight = preflightAgents(config.configRoot, config.agents, containers, options.healthGate ?? DEFAULT_HEALTH_GATE, [...config.agents, ...peer.config.agents], pythonFiles, resolver);
  appendAll(findings, preflight.findings);
  // A root holding configuration only (the bundled one) has no tree of code to build from.
  if (preflight.skipped === null) appendAll(findings, buildContextLinks(config.configRoot, (options.host ?? UNKNOWN_HOST).imageMode));

  return {
    machine,
    platform: host.platform,
    memory: host.memory,
    config,
    agents: config.agents,
    peerAgents: peer.config.agents,
    legacy: compareWithLegacy(config.configRoot, machine, config.agents),
    crossMachineDependencies: deps.crossMachine,
    containers,
    waves,
    longestPath,
    vram: { capacityMb, headroomMb: vram.headroomMb, allocatedMb, allowOvercommit: vram.allowOvercommit },
    preflight,
    findings: sortFindings(findings),
  };
}
