import { AgentSpec } from "../../src/config/effectiveConfig";
import { Machine } from "../../src/config/machine";
import { ContainerPlan } from "../../src/plan/deploymentPlan";

/** A container of `agents` (name -> script path), as the plan would hand it over. */
export function fakeContainer(name: string, agents: Readonly<Record<string, string>>, options: { machine?: Machine; gpu?: boolean; optional?: readonly string[] } = {}): ContainerPlan {
  const machine = options.machine ?? "mainpc";
  const specs: AgentSpec[] = Object.entries(agents).map(([agent, scriptPath], i) => ({
    name: agent,
    machine,
    group: "sample",
    scriptPath,
    port: 7000 + 10 * i,
    healthCheckPort: 8000 + 10 * i,
    httpHealthPort: 8001 + 10 * i,
    required: !(options.optional ?? []).includes(agent),
    dependencies: [],
    config: {},
    source: { file: "config/startup_config.v3.yaml", line: 10 + i },
  }));
  return {
    name,
    machine,
    agents: specs,
    gpu: options.gpu === true ? { vramMb: 2048, deviceIds: ["0"] } : null,
    cpus: 1,
    memoryMb: 2048,
    shmMb: 64,
    image: "ai-system/agent-runtime:latest",
    command: null,
    dependsOn: [],
    wave: 1,
    gatingAgents: specs.filter((a) => a.required).map((a) => a.name),
    publishedPorts: [],
    audioAgents: [],
    source: { file: "config/overrides/docker.yaml", line: 5 },
  };
}
