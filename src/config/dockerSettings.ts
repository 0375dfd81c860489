import { appendAll } from "./appendAll";
import { DockerDefaults, DockerGroupSpec } from "./effectiveConfig";
import { Finding, finding } from "./finding";
import { Machine } from "./machine";
import { containerNameOf } from "./dockerGroupName";
import { dockerDefaultsSchema, dockerGroupSchema, parseWithFindings } from "./schemas";
import { SourceLocation } from "./sourceLocation";
import { mapEntries, YMap } from "./yamlTree";

export const BUILTIN_DOCKER_DEFAULTS: DockerDefaults = {
  image: "ai-system/agent-runtime:latest",
  cpus: 1,
  memoryMb: 2048,
  shmMb: 64,
  gpuHeadroomMb: 1024,
  allowVramOvercommit: false,
};


export interface DockerSettings {
  readonly defaults: DockerDefaults;
  /** null when the merged config has no `docker_groups.<machine>`. */
  readonly groups: DockerGroupSpec[] | null;
  readonly source: SourceLocation | null;
  readonly findings: Finding[];
}

/** Reads `docker_defaults` and `docker_groups.<machine>` (usually from overrides/docker.yaml). */
export function readDockerSettings(root: YMap, machine: Machine): DockerSettings {
  const findings: Finding[] = [];
  let defaults = BUILTIN_DOCKER_DEFAULTS;
  const defaultsEntry = root.entries.get("docker_defaults");
  if (defaultsEntry) {
    const parsed = parseWithFindings(dockerDefaultsSchema, defaultsEntry.value, "docker_defaults", defaultsEntry.keyLoc);
    if (parsed.ok) {
      const d = parsed.value;
      defaults = {
        image: d.image ?? defaults.image,
        cpus: d.cpus ?? defaults.cpus,
        memoryMb: d.memory_mb ?? defaults.memoryMb,
        shmMb: d.shm_mb ?? defaults.shmMb,
        gpuHeadroomMb: d.gpu_headroom_mb ?? defaults.gpuHeadroomMb,
        allowVramOvercommit: d.allow_vram_overcommit ?? defaults.allowVramOvercommit,
      };
    } else appendAll(findings, parsed.findings);
  }

  const all = root.entries.get("docker_groups");
  const mine = all?.value.kind === "map" ? all.value.entries.get(machine) : undefined;
  if (all && all.value.kind !== "map") {
    findings.push(finding("error", "invalid-value", "docker_groups must map each machine (mainpc, pc2) to its container groups", all.keyLoc));
  }
  if (!mine) return { defaults, groups: null, source: null, findings };
  if (mine.value.kind !== "map") {
    findings.push(finding("error", "invalid-value", `docker_groups.${machine} must map group names to {description, agents, gpu, cpus, memory_mb, shm_mb}`, mine.keyLoc));
    return { defaults, groups: [], source: mine.keyLoc, findings };
  }

  const groups: DockerGroupSpec[] = [];
  // Container name -> the group written first under it, so two spellings of one name are refused.
  const written = new Map<string, { group: string; at: SourceLocation }>();
  for (const [group, entry] of mapEntries(mine.value)) {
    const name = containerNameOf(group);
    if (name === null) {
      findings.push(
        finding("error", "invalid-value", `docker group name "${group}" must be lowercase letters, digits, dashes and underscores (it becomes a container and DNS name, with _ as -)`, entry.keyLoc),
      );
      continue;
    }
    const first = written.get(name);
    if (first !== undefined) {
      findings.push(
        finding(
          "error",
          "invalid-value",
          `docker groups ${first.group} (${first.at.file}:${first.at.line}) and ${group} of ${machine} both become container ${name}; rename or merge one of them`,
          entry.keyLoc,
        ),
      );
      continue;
    }
    written.set(name, { group, at: entry.keyLoc });
    const parsed = parseWithFindings(dockerGroupSchema, entry.value, `docker group ${group}`, entry.keyLoc);
    if (!parsed.ok) {
      appendAll(findings, parsed.findings);
      continue;
    }
    const g = parsed.value;
    const agentsNode = entry.value.kind === "map" ? entry.value.entries.get("agents")?.value : undefined;
    const agentSources = agentsNode?.kind === "seq" ? agentsNode.items.map((i) => i.loc) : [];
    groups.push({
      name,
      ...(name === group ? {} : { writtenAs: group }),
      ...(g.description === undefined || g.description === null ? {} : { description: g.description }),
      agents: g.agents,
      gpu: g.gpu ? { vramMb: g.gpu.vram_mb, deviceIds: g.gpu.device_ids } : null,
      cpus: g.cpus ?? defaults.cpus,
      memoryMb: g.memory_mb ?? defaults.memoryMb,
      shmMb: g.shm_mb ?? defaults.shmMb,
      image: g.image ?? defaults.image,
      command: g.command ?? null,
      audio: g.audio ?? false,
      publish: g.publish === true ? "all" : g.publish === false || g.publish === undefined ? [] : g.publish,
      source: entry.keyLoc,
      agentSources,
    });
  }
  return { defaults, groups, source: mine.keyLoc, findings };
}
