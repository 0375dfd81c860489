import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface HostNetworkArgs {
  /** Docker network name; agents, NATS and Redis resolve each other on it. */
  readonly networkName: pulumi.Input<string>;
  /** Defaults to `bridge` (one host; the other host is reached over the LAN). */
  readonly driver?: pulumi.Input<string>;
}

const defaults = { driver: "bridge" } as const;

/** The user-defined bridge network of one host (user-defined, so Docker DNS serves the aliases). */
export class HostNetwork extends pulumi.ComponentResource {
  public readonly network: docker.Network;
  public readonly networkName: pulumi.Output<string>;

  constructor(name: string, args: HostNetworkArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ai-system:network:HostNetwork", name, {}, opts);
    const a = { ...defaults, ...args, driver: args.driver ?? defaults.driver };
    // Fixed name: a replacement must remove the old network first.
    this.network = new docker.Network(name, { name: a.networkName, driver: a.driver }, { parent: this, deleteBeforeReplace: true });
    this.networkName = this.network.name;
    this.registerOutputs({ networkName: this.networkName });
  }
}
