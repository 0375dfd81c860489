import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerSpec, VolumeSpec } from "../src/render";
import { containerArgs, containerOptions } from "./containerArgs";
import { createVolumes } from "./dataVolume";
import { SecretValues } from "./secretValues";

export interface NatsServerArgs {
  /** From `renderNatsContainer`: configuration, leaf-node role, ports and healthcheck. */
  readonly spec: ContainerSpec;
  /** From `renderNatsStoreInit`: gives the JetStream volume to the NATS user before NATS starts. */
  readonly storeInit: ContainerSpec;
  /** The volumes the spec mounts (the JetStream file store). */
  readonly volumes: readonly VolumeSpec[];
  readonly image: pulumi.Input<string>;
  /** Image of the store init (the NATS image: it has chown). */
  readonly storeInitImage: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  readonly secrets: SecretValues;
}

/**
 * One host's NATS server: standalone JetStream in the host's own domain, joined to the other
 * host by a leaf-node connection (see src/render/natsServer.ts for why).
 */
export class NatsServer extends pulumi.ComponentResource {
  public readonly volumes: Readonly<Record<string, docker.Volume>>;
  public readonly storeInit: docker.Container;
  public readonly container: docker.Container;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: NatsServerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ai-system:messaging:NatsServer", name, {}, opts);
    this.volumes = createVolumes(name, args.volumes, { parent: this });
    const wiring = { image: args.image, networkName: args.networkName, volumes: this.volumes, secrets: args.secrets };
    this.storeInit = new docker.Container(
      `${name}-store-init`,
      containerArgs(args.storeInit, { ...wiring, image: args.storeInitImage }),
      containerOptions({ parent: this }),
    );
    this.container = new docker.Container(name, containerArgs(args.spec, wiring), containerOptions({ parent: this, dependsOn: [this.storeInit] }));
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
