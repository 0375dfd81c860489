import { AgentSpec } from "../config/effectiveConfig";
import { Machine, otherMachine } from "../config/machine";
import { natsGroupPassword, natsInboxPrefix, redisGroupPassword } from "./groupIdentity";
import { ContainerPlan, DeploymentPlan } from "../plan/deploymentPlan";
import { launcherEnvironment } from "../launcher/launcherContract";
import { AgentRuntimeSettings } from "./deploymentSettings";
import { gpuEnvironment } from "./gpuSharing";
import { codePortVariables } from "./codePortVariables";
import { DIGITAL_TWIN_AGENT, INFRASTRUCTURE_PORTS, NATS_ALIAS, REDIS_ALIAS, REDIS_DATABASE, SERVICE_REGISTRY_AGENT } from "./infrastructure";
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
  // After the rule's names, so a clash between the two is a render error below, not a silent override.
  for (const agent of [...wanted.values()].sort((a, b) => ordinal(a.name, b.name))) {
    for (const v of codePortVariables(agent)) {
      if (vars.some((w) => w.name === v.name)) throw new RenderError(`${v.name} (read by ${agent.name}'s code) is also the name-rule variable of another agent in container ${container.name}`);
      vars.push(v);
    }
  }
  return vars;
}

/** `<prefix>_HOST`/`<prefix>_PORT` of an agent: this machine's if it runs one, else the peer's; none if neither does. */
export function agentLocationVariables(plan: DeploymentPlan, agentName: string, prefix: string): EnvVar[] {
  const local = plan.agents.find((a) => a.name === agentName);
  const peer = plan.peerAgents.find((a) => a.name === agentName);
  const found = local ? { machine: plan.machine, agent: local } : peer ? { machine: otherMachine(plan.machine), agent: peer } : null;
  if (found === null) return [];
  return [
    { name: `${prefix}_HOST`, value: machineAgentHostName(found.machine, found.agent.name) },
    { name: `${prefix}_PORT`, value: String(found.agent.port) },
  ];
}

/**
 * Where the two agents every agent talks to at start really run: SERVICE_REGISTRY_HOST/PORT, and
 * DIGITAL_TWIN_HOST/PORT, which BaseAgent registers with (common/core/base_agent.py:800-801;
 * without them it dials 0.0.0.0:7120 and waits ~19 s for a timeout).
 */
export function serviceRegistryVariables(plan: DeploymentPlan): EnvVar[] {
  return [...agentLocationVariables(plan, DIGITAL_TWIN_AGENT, "DIGITAL_TWIN"), ...agentLocationVariables(plan, SERVICE_REGISTRY_AGENT, "SERVICE_REGISTRY")];
}

/**
 * Variables every agent container gets regardless of its agents (NATS, Redis, hosts, mode).
 *
 * NATS and Redis (DESIGN item 3): the URLs carry the group's credentials (`NATS_SERVERS`, read by
 * 2025-08 code, and `NATS_URL`, `REDIS_URL`). July-2025 code dials localhost:4222 and
 * localhost:6379 (REDIS_HOST/REDIS_PORT) without credentials, so the launcher relays those two
 * loopback ports to `nats` and `redis`, adding the group's credentials itself
 * (LAUNCHER_*_RELAY_UPSTREAM). No ERROR_BUS_PORT: the ZMQ error publishers read it and would send
 * ZMQ frames to whatever it names; their own default is kept.
 */
export function commonAgentVariables(settings: AgentRuntimeSettings): EnvVar[] {
  const redisPort = INFRASTRUCTURE_PORTS.redis;
  const natsPort = INFRASTRUCTURE_PORTS.natsClient;
  return [
    { name: "BIND_ADDRESS", value: "0.0.0.0" },
    { name: "CONFIG_OVERRIDE", value: "docker" },
    { name: "CONTAINER_MODE", value: "true" },
    { name: "DOCKER_CONTAINER", value: "true" },
    { name: "DOCKER_NETWORK", value: settings.networkName },
    { name: "LAUNCHER_NATS_RELAY_UPSTREAM", value: `${NATS_ALIAS}:${natsPort}` },
    { name: "LAUNCHER_REDIS_RELAY_UPSTREAM", value: `${REDIS_ALIAS}:${redisPort}` },
    { name: "MACHINE_TYPE", value: settings.machine },
    { name: "MAINPC_IP", value: settings.lanIps.mainpc },
    { name: "MAIN_PC_IP", value: settings.lanIps.mainpc },
    { name: "PC2_IP", value: settings.lanIps.pc2 },
    { name: "PORT_OFFSET", value: String(settings.portOffset) },
    { name: "PYTHONPATH", value: "/app" },
    // The launcher's relay: code that reads REDIS_HOST/PORT sends no password (redis_pool.py:173-174).
    { name: "REDIS_HOST", value: "127.0.0.1" },
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
  const natsUrl: SpecText = {
    parts: [`nats://${group}:`, natsGroupPassword(machine, group, "url"), `@${NATS_ALIAS}:${INFRASTRUCTURE_PORTS.natsClient}`],
  };
  return [
    { name: "NATS_INBOX_PREFIX", value: natsInboxPrefix(group) },
    { name: "NATS_PASSWORD", value: { parts: [natsGroupPassword(machine, group, "raw")] } },
    { name: "NATS_SERVERS", value: natsUrl },
    { name: "NATS_URL", value: natsUrl },
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
