/**
 * Small hand-built plans: mainpc with three containers (a CPU core, a GPU group, and a group
 * that depends on both), and pc2 agents for host entries and a cross-machine dependency.
 */
import * as path from "path";
import { AgentSpec, EffectiveConfig } from "../../src/config/effectiveConfig";
import { Finding } from "../../src/config/finding";
import { NO_REQUIREMENTS_SETTINGS } from "../../src/config/requirementsSettings";
import { Machine } from "../../src/config/machine";
import { ContainerPlan, DeploymentPlan } from "../../src/plan/deploymentPlan";
import { StackSettings } from "../../src/program/stackSettings";
import { ConfigFile } from "../../src/render/spec";
import { INCLUDE_FIXTURE } from "./tempConfigRoot";

/** A small config directory that exists: the include-shaped fixture's config/ (four files). */
export const SAMPLE_CONFIG_DIR = path.join(INCLUDE_FIXTURE, "config");

/** Config files as the config init delivers them, for renderers called directly. */
export function sampleConfigFiles(): ConfigFile[] {
  return [
    { path: "overrides/mainpc.yaml", content: "{}\n" },
    { path: "startup_config.v3.yaml", content: "global_settings: {}\n" },
  ];
}

export function agent(machine: Machine, name: string, port: number, health: number, dependencies: string[] = []): AgentSpec {
  return {
    name,
    machine,
    group: "sample",
    scriptPath: `agents/${name}.py`,
    port,
    healthCheckPort: health,
    httpHealthPort: health + 1,
    required: true,
    dependencies,
    config: {},
    source: { file: "config/startup_config.v3.yaml", line: 10 },
  };
}

export const MAINPC_AGENTS = {
  ServiceRegistry: agent("mainpc", "ServiceRegistry", 7200, 8200),
  SystemDigitalTwin: agent("mainpc", "SystemDigitalTwin", 7220, 8220, ["ServiceRegistry"]),
  ModelManagerSuite: agent("mainpc", "ModelManagerSuite", 7211, 8211, ["SystemDigitalTwin"]),
  VRAMOptimizerAgent: agent("mainpc", "VRAMOptimizerAgent", 5572, 6572, ["ModelManagerSuite"]),
  NLUAgent: agent("mainpc", "NLUAgent", 5709, 6709, ["SystemDigitalTwin"]),
  GoTToTAgent: agent("mainpc", "GoTToTAgent", 5646, 6646, ["ModelManagerSuite", "MemoryOrchestratorService"]),
  ObservabilityHub: agent("mainpc", "ObservabilityHub", 9000, 9100),
} as const;

export const PC2_AGENTS = {
  MemoryOrchestratorService: agent("pc2", "MemoryOrchestratorService", 7140, 8140),
  ObservabilityHub: agent("pc2", "ObservabilityHub", 9000, 9100),
  TieredResponder: agent("pc2", "TieredResponder", 7100, 8100),
} as const;

const sortByName = (agents: AgentSpec[]) => [...agents].sort((a, b) => a.name.localeCompare(b.name));

function container(name: string, agents: AgentSpec[], rest: Partial<ContainerPlan> = {}): ContainerPlan {
  const sorted = sortByName(agents);
  return {
    name,
    machine: "mainpc",
    agents: sorted,
    gpu: null,
    cpus: 2,
    memoryMb: 4096,
    shmMb: 256,
    image: "ai-system/agent-runtime:latest",
    command: null,
    dependsOn: [],
    wave: 1,
    gatingAgents: sorted.filter((a) => a.required).map((a) => a.name),
    publishedPorts: sorted.flatMap((a) => [a.port, a.healthCheckPort]).sort((a, b) => a - b),
    audioAgents: [],
    source: { file: "config/overrides/docker.yaml", line: 40 },
    ...rest,
  };
}

export function sampleConfig(machine: Machine, agents: AgentSpec[], globalEnvironment: Record<string, string>): EffectiveConfig {
  return {
    machine,
    configRoot: "/srv/monorepo",
    override: "docker",
    files: ["config/startup_config.v3.yaml", "config/overrides/docker.yaml"],
    version: "3.0",
    globalEnvironment,
    groups: [],
    agents,
    vramGb: 24,
    dockerGroups: [],
    dockerGroupsSource: { file: "config/overrides/docker.yaml", line: 30 },
    requirements: NO_REQUIREMENTS_SETTINGS,
    dockerDefaults: { image: "ai-system/agent-runtime:latest", cpus: 1, memoryMb: 2048, shmMb: 64, gpuHeadroomMb: 1536, allowVramOvercommit: false },
    tree: {},
    locate: () => ({ file: "config/startup_config.v3.yaml", line: 1 }),
  };
}

/** mainpc: core (wave 1), model-gpu (GPU, wave 2), language (wave 3, depends on both). */
export function samplePlan(findings: Finding[] = []): DeploymentPlan {
  const a = MAINPC_AGENTS;
  const agents = sortByName(Object.values(a));
  const containers = [
    container("core", [a.ServiceRegistry, a.SystemDigitalTwin, a.ObservabilityHub]),
    container("model-gpu", [a.ModelManagerSuite], {
      gpu: { vramMb: 8192, deviceIds: ["0"] },
      cpus: 4,
      memoryMb: 16384,
      shmMb: 2048,
      dependsOn: ["core"],
      wave: 2,
    }),
    container("language", [a.VRAMOptimizerAgent, a.NLUAgent, a.GoTToTAgent], {
      cpus: 1.5,
      memoryMb: 3072,
      shmMb: 128,
      dependsOn: ["core", "model-gpu"],
      wave: 3,
    }),
  ];
  return {
    machine: "mainpc",
    platform: "linux",
    memory: { capacityMb: null, allocatedMb: 4096 + 16384 + 3072 + 1536, infrastructureMb: 1536 },
    config: sampleConfig("mainpc", agents, { LOG_LEVEL: "INFO", PYTHONPATH: "/somewhere-else", DEBUG_MODE: "false" }),
    agents,
    peerAgents: sortByName(Object.values(PC2_AGENTS)),
    legacy: null,
    crossMachineDependencies: [{ agent: "GoTToTAgent", dependency: "MemoryOrchestratorService", machine: "pc2" }],
    containers,
    waves: 3,
    longestPath: 3,
    vram: { capacityMb: 24576, headroomMb: 1536, allocatedMb: 8192, allowOvercommit: false },
    preflight: {
      skipped: null,
      agents: agents.map((x) => ({ name: x.name, scriptPath: x.scriptPath, readiness: "ready", required: x.required, gates: x.required ? ["required"] : [], problem: null })),
      counts: { ready: agents.length, missing: 0, broken: 0 },
      neverHealthy: [],
      wavesNeverCreated: [],
      findings: [],
    },
    findings,
  };
}

export function sampleSettings(overrides: Partial<StackSettings> = {}): StackSettings {
  return {
    machine: "mainpc",
    platform: "linux",
    lanIps: { mainpc: "192.168.1.10", pc2: "192.168.1.20" },
    networkName: "ai_system_network",
    hostConfigDir: SAMPLE_CONFIG_DIR,
    natsImage: "nats:2.10-alpine",
    redisImage: "redis:7-alpine",
    natsLeafUser: "leaf",
    healthGate: "dependencies",
    redisMemoryMb: 1024,
    redisCpus: 1,
    natsMemoryMb: 512,
    natsCpus: 1,
    containerUsers: { agent: "10001:10001", nats: "10002:10002", redis: "999:1000" },
    agentProcessLimit: 16384,
    agentTmpfsMb: 512,
    gpuSharing: { mode: "none" },
    portOffset: 0,
    waitTimeoutSeconds: 600,
    engineApiVersion: "1.52",
    publishServices: ["nats", "redis"],
    healthcheck: { intervalSeconds: 30, timeoutSeconds: 10, retries: 3, startPeriodSeconds: 120, startIntervalSeconds: 5 },
    logMaxSize: "50m",
    logMaxFiles: 5,
    extraEnvironment: { HF_HOME: "/app/models/hf" },
    // Prebuilt: nothing to read from the (absent) config root; build-mode tests use a real one.
    images: { mode: "prebuilt", registry: "", tag: "latest", digests: {}, registryUser: "" },
    configRoot: "/srv/monorepo",
    dockerHost: "unix:///var/run/docker.sock",
    dockerSshOpts: [],
    vramCapacityMb: null,
    hostMemoryMb: null,
    ...overrides,
  };
}

/** pc2 settings for the same sample (only what the NATS leaf side needs differs). */
export function samplePc2Settings(): StackSettings {
  return sampleSettings({ machine: "pc2" });
}
