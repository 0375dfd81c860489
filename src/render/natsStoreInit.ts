import { NatsSettings } from "./deploymentSettings";
import { INIT_PROCESS_LIMIT, processLimitException, sortExceptions } from "./hardening";
import { NATS_STORE_INIT_CONTAINER_NAME, NATS_STORE_INIT_KEY } from "./names";
import { NATS_STORE_DIR } from "./natsServer";
import { ContainerSpec, HardeningException } from "./spec";
import { renderVolumeInit } from "./volumeInit";
import { VOLUMES } from "./volumes";

/**
 * Capabilities the store init puts back, and why each is needed. Written as Docker stores them
 * (CAP_ prefix): the provider's client sends them so (github.com/docker/docker v28.5.2
 * client/container_create.go ContainerCreate -> normalizeCapabilities) and its Read stores
 * HostConfig.CapAdd as it comes back (resource_docker_container_funcs.go
 * resourceDockerContainerRead), so "CHOWN" would be replaced after every `pulumi refresh`.
 */
export const STORE_INIT_CAPABILITIES = ["CAP_CHOWN", "CAP_DAC_READ_SEARCH"] as const;

/**
 * Why the init runs as root: nats:2.10-alpine has no non-root user and no /data, so Docker
 * creates the JetStream volume root-owned (it copies ownership only from an existing image
 * directory), and the NATS user could not write to it. Only chown can fix that, and only root
 * with CAP_CHOWN may give a file away; CAP_DAC_READ_SEARCH lets it enter directories the NATS
 * user made private on a later run. It is not privileged, has no network, a read-only root,
 * and exits: NATS is created only after it finished.
 */
export function storeInitExceptions(): HardeningException[] {
  return sortExceptions([
    {
      id: "4.1",
      reason:
        "runs as root once before NATS: nats:2.10-alpine has no non-root user, so Docker creates the JetStream volume root-owned and only root with CAP_CHOWN can give it to the NATS user; it has no network, a read-only root, and exits",
    },
    {
      id: "5.4",
      reason:
        "adds CHOWN (give the JetStream volume to the NATS user) and DAC_READ_SEARCH (enter the directories NATS made private when it runs again); every other capability is dropped",
    },
    processLimitException("0:0", INIT_PROCESS_LIMIT),
  ]);
}

/** Runs `chown -R <nats user> /data` on the JetStream volume, once, before the NATS container. */
export function renderNatsStoreInit(settings: NatsSettings): ContainerSpec {
  return renderVolumeInit(
    {
      key: NATS_STORE_INIT_KEY,
      name: NATS_STORE_INIT_CONTAINER_NAME,
      image: settings.natsImage,
      // The alpine image's entrypoint runs a command that is not a flag as given.
      command: ["chown", "-R", settings.containerUsers.nats, NATS_STORE_DIR],
      volume: VOLUMES.natsData.key,
      target: NATS_STORE_DIR,
      uploads: [],
      readOnlyRootfs: true,
      capabilities: { drop: ["ALL"], add: [...STORE_INIT_CAPABILITIES] },
      exceptions: storeInitExceptions(),
    },
    settings,
  );
}
