import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  containerStopTimeoutSeconds,
  ContainerSpec,
  containerTimeouts,
  HealthcheckSpec,
  providerCpus,
  providerMemorySwapMb,
  providerPortOrder,
  renderLabels,
  sortedUnique,
} from "../src/render";
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
    // Absent, the provider sends and reads back its default "0s" (engines before API 1.44).
    startInterval: h.startInterval ?? undefined,
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

/**
 * Translates a container spec into provider inputs, each in the form the provider reads back
 * (src/render/providerForms.ts), so an unchanged spec diffs as nothing.
 */
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
    ports: spec.ports.length === 0 ? undefined : providerPortOrder(spec.ports).map((p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: p.protocol })),
    mounts: mountArgs(spec, wiring.volumes),
    tmpfs: spec.tmpfs.length === 0 ? undefined : Object.fromEntries(spec.tmpfs.map((t) => [t.target, t.options])),
    uploads: spec.uploads.length === 0 ? undefined : spec.uploads.map((u) => ({ file: u.file, content: u.content })),
    healthcheck: spec.healthcheck === null ? undefined : healthcheckArgs(spec.healthcheck),
    deviceRequests:
      spec.gpu === null
        ? undefined
        : [
            spec.gpu.count === -1
              ? { driver: spec.gpu.driver, count: -1, capabilities: sortedUnique(spec.gpu.capabilities) }
              : { driver: spec.gpu.driver, deviceIds: sortedUnique(spec.gpu.deviceIds), capabilities: sortedUnique(spec.gpu.capabilities) },
          ],
    devices: spec.devices.length === 0 ? undefined : spec.devices.map((d) => ({ hostPath: d, containerPath: d, permissions: "rwm" })),
    groupAdds: spec.groupAdd.length === 0 ? undefined : [...spec.groupAdd],
    cpus: providerCpus(spec.cpus),
    memory: spec.memoryMb,
    memorySwap: providerMemorySwapMb(spec.memoryMb),
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
    // The once container's output (`containerLogs`) is what a failed run reports.
    logs: once ? true : undefined,
    mustRun: once ? false : undefined,
    // `docker stop`, restarts and daemon shutdown wait stopTimeout; pulumi replacing or destroying
    // the container waits destroyGraceSeconds (without it the provider removes it by force).
    stopTimeout,
    destroyGraceSeconds: stopTimeout,
  };
}

/**
 * Fields the provider neither marks ForceNew nor updates in place
 * (terraform-provider-docker v4.5.0 resource_docker_container.go schema, and the attribute list
 * of resourceDockerContainerUpdate: only restart, memory, memory_swap, cpu_shares, cpu_set,
 * memory_reservation, max_retry_count and the blkio limits are applied to a running container).
 * A change of any of these would show in preview and do nothing, so it replaces the container.
 * `wait`, `waitTimeout`, `destroyGraceSeconds`, `logs`, `attach` and `mustRun` only steer the
 * provider itself and are rightly updated in state.
 *
 * `#initerror`: a container whose create failed after it existed (the health wait timed out, or
 * the start failed) comes back from the bridge as ErrorResourceInitFailed (pulumi-terraform-bridge
 * v3.137.0 pkg/tfbridge/provider.go Create: an apply error with a created ID) and is recorded by
 * the Pulumi engine with init errors; on the next update the
 * engine would only call Update, which the provider accepts without a diff, and the dependants
 * would be created behind an unhealthy container. The engine's applyReplaceOnChanges
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go) turns init errors into a replacement when
 * replaceOnChanges contains the special key `#initerror`, so the next `pulumi up` deletes it,
 * creates it again and waits for its health again before any dependant.
 */
export const CONTAINER_REPLACE_ON_CHANGES = ["#initerror", "healthcheck", "init", "tmpfs"] as const;

/**
 * Fixed container names and host ports cannot exist twice, so a replacement deletes first.
 * customTimeouts above the health wait and the stop grace (src/render/containerTimeouts.ts).
 */
export function containerOptions(spec: ContainerSpec, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, deleteBeforeReplace: true, replaceOnChanges: [...CONTAINER_REPLACE_ON_CHANGES], customTimeouts: { ...containerTimeouts(spec) } };
}
