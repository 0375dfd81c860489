/**
 * How the monorepo's config/ directory reaches the agents by content, not by a path on the
 * operator's machine: a one-shot config init copies the files into the config volume, which every
 * group mounts read-only at /app/config.
 *
 * Why not upload straight into the group containers: the provider uploads each file as a tar
 * archive extracted at "/" (terraform-provider-docker v4.5.0 resource_docker_container_funcs.go,
 * resourceDockerContainerCreate: `dstPath := "/"`, client.CopyToContainer), and the daemon refuses
 * any copy to a path outside a writable mount of a container with a read-only root ("container
 * rootfs is marked read-only": moby daemon/archive.go containerExtractToDir with
 * checkIfPathIsInAVolume on "/"). The groups keep their read-only root; only the config init,
 * which has no network and exits, has a writable one.
 *
 * Why a change of content replaces what it must: `upload` and every field in it are ForceNew and
 * Read never sets `upload` ("upload can't be imported", resourceDockerContainerRead), so the
 * state keeps the inputs: the same files diff as nothing, changed content replaces the config
 * init. The groups carry the files' digest in AI_SYSTEM_CONFIG_SHA256 (`env` is ForceNew too),
 * so exactly the content, never the checkout's path, replaces them.
 */
import { createHash } from "crypto";
import { ordinal } from "../config/ordinal";
import { LoggingSettings, NatsSettings } from "./deploymentSettings";
import { DROP_ALL_CAPABILITIES, INIT_PROCESS_LIMIT, processLimitException, sortExceptions } from "./hardening";
import { CONFIG_INIT_CONTAINER_NAME, CONFIG_INIT_KEY } from "./names";
import { RenderError } from "./renderError";
import { ConfigFile, ContainerSpec, EnvVar, HardeningException, UploadSpec } from "./spec";
import { renderVolumeInit } from "./volumeInit";
import { VOLUMES } from "./volumes";

/** Where the uploads land in the config init's own root filesystem. */
export const CONFIG_STAGING_DIR = "/staging/config";
/** Where the config init mounts the config volume. */
export const CONFIG_VOLUME_DIR = "/config";
/** The variable that carries the delivered files' digest into every group. */
export const CONFIG_DIGEST_VARIABLE = "AI_SYSTEM_CONFIG_SHA256";

/** The files sorted by path (stable diffs), each path checked to stay inside the directory. */
export function sortedConfigFiles(files: readonly ConfigFile[]): ConfigFile[] {
  const seen = new Set<string>();
  for (const f of files) {
    const parts = f.path.split("/");
    if (f.path === "" || parts.some((p) => p === "" || p === "." || p === "..")) {
      throw new RenderError(`config file path ${JSON.stringify(f.path)} is not a plain relative path inside the config directory`);
    }
    if (seen.has(f.path)) throw new RenderError(`config file ${f.path} is given twice`);
    seen.add(f.path);
  }
  return [...files].sort((a, b) => ordinal(a.path, b.path));
}

/** sha256 (hex) over the sorted files, each path and content length-prefixed (no two file sets collide). */
export function configDigest(files: readonly ConfigFile[]): string {
  const hash = createHash("sha256");
  for (const f of sortedConfigFiles(files)) {
    for (const part of [f.path, f.content]) {
      const bytes = Buffer.from(part, "utf8");
      hash.update(`${bytes.length}:`);
      hash.update(bytes);
    }
  }
  return hash.digest("hex");
}

export function configDigestVariable(files: readonly ConfigFile[]): EnvVar {
  return { name: CONFIG_DIGEST_VARIABLE, value: configDigest(files) };
}

/**
 * One upload per file. The provider writes mode 0644 when neither `permissions` nor `executable`
 * is set (resourceDockerContainerCreate), which is what the agents need (read); the copy keeps
 * it, owned by root, so the agents' uid can read and not change them.
 */
export function configUploads(files: readonly ConfigFile[]): UploadSpec[] {
  return sortedConfigFiles(files).map((f) => ({ file: `${CONFIG_STAGING_DIR}/${f.path}`, content: f.content }));
}

/**
 * Empties the volume (a file removed from config/ must not stay behind), copies the staged
 * files, and leaves them root-owned, readable, not writable by others. `set -e`: any failure is
 * the init's exit code, which gates the groups.
 */
export function configInitScript(): string {
  return [
    "set -e",
    `mkdir -p ${CONFIG_STAGING_DIR}`,
    `find ${CONFIG_VOLUME_DIR} -mindepth 1 -maxdepth 1 -exec rm -rf {} +`,
    `cp -R ${CONFIG_STAGING_DIR}/. ${CONFIG_VOLUME_DIR}/`,
    `chmod -R u=rwX,go=rX ${CONFIG_VOLUME_DIR}`,
  ].join("; ");
}

export function configInitExceptions(): HardeningException[] {
  return sortExceptions([
    {
      id: "4.1",
      reason:
        "runs as root once before the agent groups: the config volume is created root-owned, and root owning the copied files keeps them read-only for the agents' uid; no capability, no network, and it exits",
    },
    {
      id: "5.13",
      reason:
        "writable root filesystem: the Docker provider uploads files by extracting at /, which Docker refuses on a read-only root (moby containerExtractToDir); only this one-shot copy has it, the agent groups mount the result read-only",
    },
    processLimitException("0:0", INIT_PROCESS_LIMIT),
  ]);
}

/** Runs once before the groups (every group depends on it): config files -> config volume. */
export function renderConfigInit(settings: Pick<NatsSettings, "natsImage"> & LoggingSettings, files: readonly ConfigFile[]): ContainerSpec {
  return renderVolumeInit(
    {
      key: CONFIG_INIT_KEY,
      name: CONFIG_INIT_CONTAINER_NAME,
      // The NATS image is on every host already and has sh, find, cp and chmod.
      image: settings.natsImage,
      command: ["sh", "-c", configInitScript()],
      volume: VOLUMES.agentConfig.key,
      target: CONFIG_VOLUME_DIR,
      uploads: configUploads(files),
      readOnlyRootfs: false,
      capabilities: DROP_ALL_CAPABILITIES,
      exceptions: configInitExceptions(),
    },
    settings,
  );
}
