import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ContainerSpec } from "../src/render";
import { containerArgs, containerOptions } from "./containerArgs";
import { SecretValues } from "./secretValues";

export interface AgentGroupArgs {
  /** From `renderAgentContainer`. */
  readonly spec: ContainerSpec;
  readonly image: pulumi.Input<string>;
  readonly networkName: pulumi.Input<string>;
  /** The machine's shared agent volumes, by spec key. */
  readonly volumes: Readonly<Record<string, docker.Volume>>;
  readonly secrets: SecretValues;
  /**
   * Containers that must be healthy before this one is created: the groups of the plan's
   * `dependsOn`, NATS and Redis. Their `wait: true` makes "created" mean "healthy".
   */
  readonly dependsOn: readonly docker.Container[];
}

/** One container running a planned group of agents. */
export class AgentGroup extends pulumi.ComponentResource {
  public readonly container: docker.Container;
  public readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: AgentGroupArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("ai-system:agents:AgentGroup", name, {}, opts);
    this.container = new docker.Container(
      name,
      containerArgs(args.spec, { image: args.image, networkName: args.networkName, volumes: args.volumes, secrets: args.secrets }),
      containerOptions(args.spec, { parent: this, dependsOn: [...args.dependsOn] }),
    );
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
