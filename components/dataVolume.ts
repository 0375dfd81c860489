import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { VolumeSpec } from "../src/render";

/**
 * A named volume. Data volumes are retained by `pulumi destroy` (`retainOnDelete`): remove them
 * for real with `docker volume rm <name>` once no container uses them.
 */
export function createVolume(name: string, spec: VolumeSpec, opts: pulumi.CustomResourceOptions): docker.Volume {
  return new docker.Volume(name, { name: spec.name }, { ...opts, retainOnDelete: spec.retainOnDelete, deleteBeforeReplace: true });
}

/** Volumes by spec key, each named `<name>-<key>`. */
export function createVolumes(
  name: string,
  specs: readonly VolumeSpec[],
  opts: pulumi.CustomResourceOptions,
): Readonly<Record<string, docker.Volume>> {
  return Object.fromEntries(specs.map((s) => [s.key, createVolume(`${name}-${s.key}`, s, opts)]));
}
