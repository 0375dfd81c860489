import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerSpec, VolumeSpec } from "../src/render";
import { containerArgs, containerOptions } from "./containerArgs";
import { createVolumes } from "./dataVolume";
import { SecretValues } from "./secretValues";

export interface RedisServerArgs {
  /** From `renderRedisContainer`: password via env, AOF, maxmemory, PONG healthcheck. */
  readonly spec: ContainerSpec;
  /** The volumes the spec mounts (the AOF directory). */
  readonly volumes: readonly VolumeSpec[];
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  readonly secrets: SecretValues;
}

/** One host's password-protected Redis with append-only persistence. */
export class RedisServer extends pulumi.ComponentResource {
  public readonly volumes: Readonly<Record<string, docker.Volume>>;
  public readonly container: docker.Container;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: RedisServerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ai-system:storage:RedisServer", name, {}, opts);
    this.volumes = createVolumes(name, args.volumes, { parent: this });
    this.container = new docker.Container(
      name,
      containerArgs(args.spec, { image: args.image, networkName: args.networkName, volumes: this.volumes, secrets: args.secrets }),
      containerOptions(args.spec, { parent: this }),
    );
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
