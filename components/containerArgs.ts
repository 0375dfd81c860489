import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerSpec, HealthcheckSpec } from "../src/render";
import { envLines, SecretValues } from "./secretValues";

/** What a container spec refers to by name and the component supplies as a resource output. */
export interface ContainerWiring {
  /** Image id (from a docker.RemoteImage), so the container follows the image it was pulled as. */
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** Volumes by spec key (`agent-data`, `nats-data`, ...). */
  readonly volumes: Readonly<Record<string, docker.Volume>>;
  readonly secrets: SecretValues;
}

function healthcheckArgs(h: HealthcheckSpec): docker.types.input.ContainerHealthcheck {
  return {
    tests: [...h.tests],
    interval: h.interval,
    timeout: h.timeout,
    startPeriod: h.startPeriod,
    startInterval: h.startInterval,
    retries: h.retries,
  };
}

function mountArgs(spec: ContainerSpec, volumes: ContainerWiring["volumes"]): docker.types.input.ContainerMount[] {
  return spec.mounts.map((m) => {
    if (m.type === "bind") return { type: "bind", source: m.source, target: m.target, readOnly: m.readOnly };
    const volume = volumes[m.volume];
    if (volume === undefined) throw new Error(`container ${spec.name} mounts volume ${m.volume}, which was not created`);
    // The volume's name output (not the plain name) makes the container depend on the volume.
    return { type: "volume", source: volume.name, target: m.target, readOnly: m.readOnly };
  });
}

/** Translates a container spec into provider inputs; no decisions are made here. */
export function containerArgs(spec: ContainerSpec, wiring: ContainerWiring): docker.ContainerArgs {
  return {
    name: spec.name,
    image: wiring.image,
    command: spec.command === null ? undefined : [...spec.command],
    envs: envLines(spec.env, wiring.secrets),
    networksAdvanced: [{ name: wiring.networkName, aliases: [...spec.aliases] }],
    hosts: spec.hosts.length === 0 ? undefined : spec.hosts.map((h) => ({ host: h.host, ip: h.ip })),
    ports: spec.ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: p.protocol })),
    mounts: mountArgs(spec, wiring.volumes),
    uploads: spec.uploads.length === 0 ? undefined : spec.uploads.map((u) => ({ file: u.file, content: u.content })),
    healthcheck: healthcheckArgs(spec.healthcheck),
    deviceRequests:
      spec.gpu === null
        ? undefined
        : [{ driver: spec.gpu.driver, deviceIds: [...spec.gpu.deviceIds], capabilities: [...spec.gpu.capabilities] }],
    cpus: spec.cpus === null ? undefined : String(spec.cpus),
    memory: spec.memoryMb ?? undefined,
    shmSize: spec.shmMb ?? undefined,
    restart: spec.restart,
    logDriver: spec.log.driver,
    logOpts: { ...spec.log.options },
    // Create returns only once the healthcheck passes, so dependants start after it.
    wait: true,
    waitTimeout: spec.waitTimeoutSeconds,
  };
}

/**
 * Fixed container names and host ports cannot exist twice, so a replacement deletes first. The
 * provider cannot update a healthcheck in place.
 */
export function containerOptions(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, deleteBeforeReplace: true, replaceOnChanges: ["healthcheck"] };
}
