import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerSpec, VolumeSpec } from "../src/render";
import { containerArgs, containerOptions } from "./containerArgs";
import { createVolumes } from "./dataVolume";
import { SecretValues } from "./secretValues";

export interface NatsServerArgs {
  /** From `renderNatsContainer`: config upload, leaf-node role, ports and healthcheck. */
  readonly spec: ContainerSpec;
  /** The volumes the spec mounts (the JetStream file store). */
  readonly volumes: readonly VolumeSpec[];
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  readonly secrets: SecretValues;
}

/**
 * One host's NATS server: standalone JetStream in the host's own domain, joined to the other
 * host by a leaf-node connection (see src/render/natsServer.ts for why).
 */
export class NatsServer extends pulumi.ComponentResource {
  public readonly volumes: Readonly<Record<string, docker.Volume>>;
  public readonly container: docker.Container;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: NatsServerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ai-system:messaging:NatsServer", name, {}, opts);
    this.volumes = createVolumes(name, args.volumes, { parent: this });
    this.container = new docker.Container(
      name,
      containerArgs(args.spec, { image: args.image, networkName: args.networkName, volumes: this.volumes, secrets: args.secrets }),
      containerOptions({ parent: this }),
    );
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
