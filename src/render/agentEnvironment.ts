import { AgentSpec } from "../config/effectiveConfig";
import { Machine, otherMachine } from "../config/machine";
import { natsGroupPassword, natsInboxPrefix, redisGroupPassword } from "./groupIdentity";
import { ContainerPlan, DeploymentPlan } from "../plan/deploymentPlan";
import { launcherEnvironment } from "../launcher/launcherContract";
import { AgentRuntimeSettings } from "./deploymentSettings";
import { gpuEnvironment } from "./gpuSharing";
import { INFRASTRUCTURE_PORTS, NATS_INTERNAL_URL, REDIS_ALIAS, REDIS_DATABASE, SERVICE_REGISTRY_AGENT } from "./infrastructure";
import { ordinal } from "../config/ordinal";
import { agentEnvName, machineAgentHostName } from "./names";
import { RenderError } from "./renderError";
import { EnvVar, SpecText } from "./spec";

/** Finds an agent the way the host entries resolve a bare name: this machine first, then the peer. */
export function resolveAgent(plan: DeploymentPlan, name: string): AgentSpec | undefined {
  return plan.agents.find((a) => a.name === name) ?? plan.peerAgents.find((a) => a.name === name);
}

/**
 * `<AGENT>_PORT` / `<AGENT>_HEALTH_PORT` for the container's own agents and for every agent
 * they list as a dependency (on either machine), which is what an agent dials. Limiting the set
 * keeps an unrelated agent's port change from replacing every container.
 */
export function agentPortVariables(plan: DeploymentPlan, container: ContainerPlan): EnvVar[] {
  const wanted = new Map<string, AgentSpec>();
  for (const agent of container.agents) wanted.set(agent.name, agent);
  for (const agent of container.agents) {
    for (const dependency of agent.dependencies) {
      const target = wanted.get(dependency) ?? resolveAgent(plan, dependency);
      if (target) wanted.set(target.name, target);
    }
  }
  const owners = new Map<string, string>();
  const vars: EnvVar[] = [];
  for (const agent of [...wanted.values()].sort((a, b) => ordinal(a.name, b.name))) {
    const base = agentEnvName(agent.name);
    const previous = owners.get(base);
    if (previous !== undefined) {
      throw new RenderError(
        `agents ${previous} and ${agent.name} both map to the environment variable ${base}_PORT (container ${container.name}); rename one of them`,
      );
    }
    owners.set(base, agent.name);
    vars.push({ name: `${base}_PORT`, value: String(agent.port) });
    vars.push({ name: `${base}_HEALTH_PORT`, value: String(agent.healthCheckPort) });
  }
  return vars;
}

/** SERVICE_REGISTRY_HOST/PORT: the local registry if this machine runs one, else the peer's. */
export function serviceRegistryVariables(plan: DeploymentPlan): EnvVar[] {
  const local = plan.agents.find((a) => a.name === SERVICE_REGISTRY_AGENT);
  const peer = plan.peerAgents.find((a) => a.name === SERVICE_REGISTRY_AGENT);
  const registry = local ? { machine: plan.machine, agent: local } : peer ? { machine: otherMachine(plan.machine), agent: peer } : null;
  if (registry === null) return [];
  return [
    { name: "SERVICE_REGISTRY_HOST", value: machineAgentHostName(registry.machine, registry.agent.name) },
    { name: "SERVICE_REGISTRY_PORT", value: String(registry.agent.port) },
  ];
}

/** Variables every agent container gets regardless of its agents (NATS, Redis, hosts, mode). */
export function commonAgentVariables(settings: AgentRuntimeSettings): EnvVar[] {
  const redisPort = INFRASTRUCTURE_PORTS.redis;
  return [
    { name: "BIND_ADDRESS", value: "0.0.0.0" },
    { name: "CONFIG_OVERRIDE", value: "docker" },
    { name: "CONTAINER_MODE", value: "true" },
    { name: "DOCKER_CONTAINER", value: "true" },
    { name: "DOCKER_NETWORK", value: settings.networkName },
    // The error bus is NATS now; the legacy ZMQ error_bus_port (7150) is VisionProcessingAgent's port on pc2.
    { name: "ERROR_BUS_PORT", value: String(INFRASTRUCTURE_PORTS.natsClient) },
    { name: "MACHINE_TYPE", value: settings.machine },
    { name: "MAINPC_IP", value: settings.lanIps.mainpc },
    { name: "MAIN_PC_IP", value: settings.lanIps.mainpc },
    { name: "NATS_URL", value: NATS_INTERNAL_URL },
    { name: "PC2_IP", value: settings.lanIps.pc2 },
    { name: "PORT_OFFSET", value: String(settings.portOffset) },
    { name: "PYTHONPATH", value: "/app" },
    { name: "REDIS_HOST", value: REDIS_ALIAS },
    { name: "REDIS_PORT", value: String(redisPort) },
  ];
}

/**
 * The group's own identity on NATS and Redis (src/render/groupIdentity.ts): its user names,
 * derived passwords, the URL with them inside, and the inbox prefix its NATS clients must use.
 */
export function groupIdentityVariables(machine: Machine, group: string): EnvVar[] {
  const redisUrl: SpecText = {
    parts: [`redis://${group}:`, redisGroupPassword(machine, group, "url"), `@${REDIS_ALIAS}:${INFRASTRUCTURE_PORTS.redis}/${REDIS_DATABASE}`],
  };
  return [
    { name: "NATS_INBOX_PREFIX", value: natsInboxPrefix(group) },
    { name: "NATS_PASSWORD", value: { parts: [natsGroupPassword(machine, group, "raw")] } },
    { name: "NATS_USER", value: group },
    { name: "REDIS_PASSWORD", value: { parts: [redisGroupPassword(machine, group, "raw")] } },
    { name: "REDIS_URL", value: redisUrl },
    { name: "REDIS_USERNAME", value: group },
  ];
}

/**
 * What the group launcher (the image's entrypoint) reads: GROUP_NAME and GROUP_AGENTS_JSON, one
 * `{name, module, required, port, healthCheckPort}` per agent (src/launcher/launcherContract.ts).
 */
export function launcherVariables(container: ContainerPlan): EnvVar[] {
  let variables: Record<string, string>;
  try {
    variables = launcherEnvironment(container);
  } catch (error) {
    throw new RenderError(`container ${container.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return Object.entries(variables).map(([name, value]) => ({ name, value }));
}

/**
 * The full environment of one agent-group container, sorted by name. Precedence, lowest first:
 * the v3 `global_settings.environment`, the stack's `extraEnvironment`, then the values this
 * program owns (a config file must not be able to point agents at the wrong host or port, or
 * the launcher at the wrong agents).
 */
export function renderAgentEnvironment(plan: DeploymentPlan, container: ContainerPlan, settings: AgentRuntimeSettings): EnvVar[] {
  const merged = new Map<string, SpecText>();
  for (const [name, value] of Object.entries(plan.config.globalEnvironment)) merged.set(name, value);
  for (const [name, value] of Object.entries(settings.extraEnvironment)) merged.set(name, value);
  const owned: EnvVar[] = [
    ...commonAgentVariables(settings),
    ...groupIdentityVariables(settings.machine, container.name),
    ...serviceRegistryVariables(plan),
    ...launcherVariables(container),
    { name: "AGENT_NAMES", value: container.agents.map((a) => a.name).join(",") },
    ...agentPortVariables(plan, container),
    ...gpuEnvironment(container, settings),
  ];
  for (const v of owned) merged.set(v.name, v.value);
  return sortEnv([...merged].map(([name, value]) => ({ name, value })));
}

export function sortEnv(env: readonly EnvVar[]): EnvVar[] {
  return [...env].sort((a, b) => ordinal(a.name, b.name));
}
