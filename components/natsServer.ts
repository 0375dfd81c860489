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
 * Why the containers behind a one-shot init must not be created after it ran, or null when it
 * succeeded. The provider stores `exit_code` (resourceDockerContainerRead, when the container is
 * not running) and, with `logs`, `container_logs` after an attached run; an attached run does not
 * fail on its own.
 */
export function initFailure(containerName: string, exitCode: number | undefined, logs: string | undefined, urn: string, blocked: string, cause: string): string | null {
  if (exitCode === 0) return null;
  const status = exitCode === undefined ? "reported no exit code" : `exited with code ${exitCode}`;
  const log = (logs ?? "").trim();
  return [
    `${containerName} ${status}, so ${blocked} was not created. Its log:`,
    log === "" ? "(empty)" : log,
    `Fix the cause (${cause}), then run it again with: pulumi up --replace '${urn}'`,
  ].join("\n");
}

/** initFailure of the NATS store init. */
export function storeInitFailure(containerName: string, exitCode: number | undefined, logs: string | undefined, urn: string): string | null {
  return initFailure(containerName, exitCode, logs, urn, "NATS", `the JetStream volume must be writable by root in ${containerName}`);
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
      containerOptions(args.storeInit, { parent: this }),
    );
    // NATS's image goes through the store init's exit code: a failed chown stops the update here,
    // with the init's log, instead of surfacing as a NATS that never turns healthy.
    const image = pulumi
      .all([args.image, this.storeInit.exitCode, this.storeInit.containerLogs, this.storeInit.urn])
      .apply(([id, exitCode, logs, urn]) => {
        const problem = storeInitFailure(args.storeInit.name, exitCode, logs, urn);
        if (problem !== null) throw new Error(problem);
        return id;
      });
    this.container = new docker.Container(
      name,
      containerArgs(args.spec, { ...wiring, image }),
      containerOptions(args.spec, { parent: this, dependsOn: [this.storeInit] }),
    );
    this.containerName = this.container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
