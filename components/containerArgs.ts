import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { containerStopTimeoutSeconds, ContainerSpec, HealthcheckSpec, renderLabels } from "../src/render";
import { envLines, SecretValues } from "./secretValues";

/** What a container spec refers to by name and the component supplies as a resource output. */
export interface ContainerWiring {
  /** Image id (from a docker.RemoteImage, pulled or built), so the container follows the image it was created from. */
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
  const once = spec.lifecycle === "once";
  const stopTimeout = containerStopTimeoutSeconds(spec) ?? undefined;
  return {
    name: spec.name,
    image: wiring.image,
    command: spec.command === null ? undefined : [...spec.command],
    user: spec.user,
    envs: spec.env.length === 0 ? undefined : envLines(spec.env, wiring.secrets),
    labels: renderLabels(spec).map((l) => ({ label: l.name, value: l.value })),
    networkMode: spec.attachNetwork ? undefined : "none",
    networksAdvanced: spec.attachNetwork ? [{ name: wiring.networkName, aliases: [...spec.aliases] }] : undefined,
    hosts: spec.hosts.length === 0 ? undefined : spec.hosts.map((h) => ({ host: h.host, ip: h.ip })),
    ports: spec.ports.length === 0 ? undefined : spec.ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: p.protocol })),
    mounts: mountArgs(spec, wiring.volumes),
    tmpfs: spec.tmpfs.length === 0 ? undefined : Object.fromEntries(spec.tmpfs.map((t) => [t.target, t.options])),
    uploads: spec.uploads.length === 0 ? undefined : spec.uploads.map((u) => ({ file: u.file, content: u.content })),
    healthcheck: spec.healthcheck === null ? undefined : healthcheckArgs(spec.healthcheck),
    deviceRequests:
      spec.gpu === null
        ? undefined
        : [
            spec.gpu.count === -1
              ? { driver: spec.gpu.driver, count: -1, capabilities: [...spec.gpu.capabilities] }
              : { driver: spec.gpu.driver, deviceIds: [...spec.gpu.deviceIds], capabilities: [...spec.gpu.capabilities] },
          ],
    devices: spec.devices.length === 0 ? undefined : spec.devices.map((d) => ({ hostPath: d, containerPath: d, permissions: "rwm" })),
    groupAdds: spec.groupAdd.length === 0 ? undefined : [...spec.groupAdd],
    cpus: String(spec.cpus),
    memory: spec.memoryMb,
    shmSize: spec.shmMb ?? undefined,
    readOnly: spec.readOnlyRootfs,
    securityOpts: spec.noNewPrivileges ? ["no-new-privileges:true"] : undefined,
    capabilities: { drops: [...spec.capabilities.drop], adds: spec.capabilities.add.length === 0 ? undefined : [...spec.capabilities.add] },
    ipcMode: spec.ipc,
    ulimits: [{ name: "nproc", soft: spec.processLimit, hard: spec.processLimit }],
    init: spec.init,
    restart: spec.restart,
    logDriver: spec.log.driver,
    logOpts: { ...spec.log.options },
    // A service's create returns only once its healthcheck passes, so dependants start after it;
    // a once container's create waits, attached, until it has exited.
    wait: once ? undefined : true,
    waitTimeout: spec.waitTimeoutSeconds ?? undefined,
    attach: once ? true : undefined,
    mustRun: once ? false : undefined,
    // `docker stop`, restarts and daemon shutdown wait stopTimeout; pulumi replacing or destroying
    // the container waits destroyGraceSeconds (without it the provider removes it by force).
    stopTimeout,
    destroyGraceSeconds: stopTimeout,
  };
}

/**
 * Fixed container names and host ports cannot exist twice, so a replacement deletes first. The
 * provider cannot update a healthcheck in place.
 */
export function containerOptions(opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, deleteBeforeReplace: true, replaceOnChanges: ["healthcheck"] };
}
