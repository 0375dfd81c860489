import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_INIT_KEY, ContainerSpec, Endpoints, GpuAllocationTable, GroupImageSpec, MachineSpec, NATS_KEY, REDIS_KEY, VolumeSpec } from "../src/render";
import { imageSlug, imageSlugClash, pulledImages } from "../src/render/pulledImages";
import { containerArgs, containerOptions } from "./containerArgs";
import { AgentGroup } from "./agentGroup";
import { createVolumes } from "./dataVolume";
import { groupImageArgs, groupImageOptions } from "./groupImage";
import { HostNetwork } from "./hostNetwork";
import { initFailure, NatsServer } from "./natsServer";
import { RedisServer } from "./redisServer";
import { SecretValues } from "./secretValues";

export interface MachineStackArgs {
  /** From `renderMachine`: everything the machine runs, as data. */
  readonly spec: MachineSpec;
  /** One per agent group (from src/images): built, or prebuilt and pulled. */
  readonly groupImages: readonly GroupImageSpec[];
  readonly secrets: SecretValues;
  /** Docker daemon: `unix:///var/run/docker.sock` (default) or `ssh://user@host`. */
  readonly dockerHost?: string;
  /** Extra ssh options for an `ssh://` Docker host. */
  readonly dockerSshOpts?: readonly string[];
  /** Credentials of a private registry the prebuilt images come from; the password stays a secret output. */
  readonly registryAuth?: RegistryAuth;
}

export interface RegistryAuth {
  /** The registry host, e.g. `ghcr.io`. */
  readonly address: string;
  readonly username: string;
  readonly password: pulumi.Input<string>;
}

const defaults = { dockerHost: "unix:///var/run/docker.sock", dockerSshOpts: [] as readonly string[] };

export { imageSlug } from "../src/render/pulledImages";

/**
 * What renderMachine guarantees, checked again before the component registers anything, so a
 * caller's bug ends before any resource exists: pulled images with distinct resource names, and
 * one group image per group.
 */
function invariantProblem(args: MachineStackArgs): string | null {
  const clash = imageSlugClash(pulledImages(args.spec));
  if (clash !== null) return `images ${clash[0]} and ${clash[1]} would get the same resource name`;
  const imageOf = new Set(args.groupImages.map((i) => i.key));
  const missing = args.spec.groups.find((g) => !imageOf.has(g.key));
  return missing === undefined ? null : `container ${missing.key} has no group image`;
}

function volumesMountedBy(spec: ContainerSpec, all: readonly VolumeSpec[]): VolumeSpec[] {
  const keys = new Set(spec.mounts.flatMap((m) => (m.type === "volume" ? [m.volume] : [])));
  return all.filter((v) => keys.has(v.key));
}

/**
 * One host: its Docker provider, network, images (NATS and Redis pulled, one per agent group
 * built or pulled), volumes, NATS, Redis and agent groups, with each group created only after
 * the containers it depends on are healthy.
 */
export class MachineStack extends pulumi.ComponentResource {
  public readonly provider: docker.Provider;
  public readonly network: HostNetwork;
  /** NATS and Redis images by reference, pulled; `keepLocally`, so destroy never deletes an image. */
  public readonly images: Readonly<Record<string, docker.RemoteImage>>;
  /** Each agent group's own image (built or pulled), by group key. */
  public readonly groupImages: Readonly<Record<string, docker.RemoteImage>>;
  /** The shared agent volumes, by spec key. */
  public readonly volumes: Readonly<Record<string, docker.Volume>>;
  public readonly nats: NatsServer;
  public readonly redis: RedisServer;
  /** Copies the config files (by content) into the config volume before any group exists. */
  public readonly configInit: docker.Container;
  /** In plan order (wave, then name). */
  public readonly groups: readonly AgentGroup[];
  public readonly endpoints: pulumi.Output<Endpoints>;
  public readonly gpuAllocation: pulumi.Output<GpuAllocationTable>;

  constructor(name: string, args: MachineStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const problem = invariantProblem(args);
    if (problem !== null) throw new Error(problem);
    super("ai-system:host:MachineStack", name, {}, opts);
    const a = {
      ...defaults,
      ...args,
      dockerHost: args.dockerHost ?? defaults.dockerHost,
      dockerSshOpts: args.dockerSshOpts ?? defaults.dockerSshOpts,
    };
    const { spec, secrets } = a;

    const pulled = pulledImages(spec);

    this.provider = new docker.Provider(
      `${name}-docker`,
      {
        host: a.dockerHost,
        sshOpts: a.dockerSshOpts.length === 0 ? undefined : [...a.dockerSshOpts],
        // The provider logs in with these before pulling (kreuzwerker/terraform-provider-docker
        // provider.go: registry_auth); pulumi.secret keeps the password out of state and logs.
        registryAuth:
          a.registryAuth === undefined
            ? undefined
            : [{ address: a.registryAuth.address, username: a.registryAuth.username, password: pulumi.secret(a.registryAuth.password) }],
      },
      { parent: this },
    );
    const custom: pulumi.CustomResourceOptions = { parent: this, provider: this.provider };
    const component: pulumi.ComponentResourceOptions = { parent: this, providers: [this.provider] };

    this.network = new HostNetwork(`${name}-network`, { networkName: spec.networkName }, component);
    const networkName = this.network.networkName;

    this.images = Object.fromEntries(
      pulled.map((image) => [image, new docker.RemoteImage(`${name}-image-${imageSlug(image)}`, { name: image, keepLocally: true }, custom)]),
    );
    const imageId = (image: string): pulumi.Output<string> => {
      const remote = this.images[image];
      if (remote === undefined) throw new Error(`image ${image} was not pulled`);
      return remote.imageId;
    };
    // Built or pulled before the groups; each group container runs its own image's id.
    this.groupImages = Object.fromEntries(
      a.groupImages.map((image) => [image.key, new docker.RemoteImage(`${name}-group-image-${image.key}`, groupImageArgs(image), groupImageOptions(image, custom))]),
    );

    const natsVolumes = volumesMountedBy(spec.nats, spec.volumes);
    const redisVolumes = volumesMountedBy(spec.redis, spec.volumes);
    const serverKeys = new Set([...natsVolumes, ...redisVolumes].map((v) => v.key));
    this.volumes = createVolumes(
      name,
      spec.volumes.filter((v) => !serverKeys.has(v.key)),
      custom,
    );

    this.nats = new NatsServer(
      `${name}-nats`,
      {
        spec: spec.nats,
        storeInit: spec.natsStoreInit,
        volumes: natsVolumes,
        image: imageId(spec.nats.image),
        storeInitImage: imageId(spec.natsStoreInit.image),
        networkName,
        secrets,
      },
      component,
    );
    this.redis = new RedisServer(
      `${name}-redis`,
      { spec: spec.redis, volumes: redisVolumes, image: imageId(spec.redis.image), networkName, secrets },
      component,
    );

    this.configInit = new docker.Container(
      `${name}-${CONFIG_INIT_KEY}`,
      containerArgs(spec.configInit, { image: imageId(spec.configInit.image), networkName, volumes: this.volumes, secrets }),
      containerOptions(spec.configInit, custom),
    );
    // Each group's image goes through the config init's exit code: a failed copy stops the
    // update with its log instead of groups starting on an empty /app/config.
    const configInitName = spec.configInit.name;
    const afterConfigInit = (image: pulumi.Input<string>): pulumi.Output<string> =>
      pulumi.all([image, this.configInit.exitCode, this.configInit.containerLogs, this.configInit.urn]).apply(([id, exitCode, logs, urn]) => {
        const problem = initFailure(configInitName, exitCode, logs, urn, "the agent groups", `the config volume must be writable by root in ${configInitName}`);
        if (problem !== null) throw new Error(problem);
        return id;
      });

    // Plan order puts every group after the groups it depends on.
    const containers = new Map<string, docker.Container>([
      [CONFIG_INIT_KEY, this.configInit],
      [NATS_KEY, this.nats.container],
      [REDIS_KEY, this.redis.container],
    ]);
    this.groups = spec.groups.map((group) => {
      const dependsOn = group.dependsOn.map((key) => {
        const c = containers.get(key);
        if (c === undefined) throw new Error(`container ${group.key} depends on ${key}, which is not created before it`);
        return c;
      });
      const created = new AgentGroup(
        `${name}-${group.key}`,
        { spec: group, image: afterConfigInit(this.groupImages[group.key]!.imageId), networkName, volumes: this.volumes, secrets, dependsOn },
        component,
      );
      containers.set(group.key, created.container);
      return created;
    });

    this.endpoints = pulumi.output(spec.endpoints);
    this.gpuAllocation = pulumi.output(spec.gpuAllocation);
    this.registerOutputs({ endpoints: this.endpoints, gpuAllocation: this.gpuAllocation });
  }
}
