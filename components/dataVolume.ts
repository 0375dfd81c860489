import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { VolumeSpec } from "../src/render";

/**
 * A named volume. Data volumes are retained by `pulumi destroy` (`retainOnDelete`): remove them
 * for real with `docker volume rm <name>` once no container uses them.
 *
 * `labels` are ignored: the program sets none, but a volume that already exists (docker compose
 * created it, with its com.docker.compose.* labels) is adopted by the create, and
 * resourceDockerVolumeRead stores its labels; `labels` is ForceNew, so every later update would
 * replace the volume, and with it (delete first) every container that mounts it.
 */
export function createVolume(name: string, spec: VolumeSpec, opts: pulumi.CustomResourceOptions): docker.Volume {
  return new docker.Volume(name, { name: spec.name }, { ...opts, retainOnDelete: spec.retainOnDelete, deleteBeforeReplace: true, ignoreChanges: ["labels"] });
}

/** Volumes by spec key, each named `<name>-<key>`. */
export function createVolumes(
  name: string,
  specs: readonly VolumeSpec[],
  opts: pulumi.CustomResourceOptions,
): Readonly<Record<string, docker.Volume>> {
  return Object.fromEntries(specs.map((s) => [s.key, createVolume(`${name}-${s.key}`, s, opts)]));
}
