import { getOwn } from "../config/ownProperty";
import { ImageSettings } from "./deploymentSettings";
import { NAME_PREFIX } from "./names";
import { GroupImageSpec } from "./spec";

/** Hex digits of the content hash in a built image's tag (64 bits: collisions are not a concern). */
export const CONTENT_TAG_LENGTH = 16;

/** The repository of a group's image: `ai-system-<group>` (group names are lowercase DNS labels). */
export function groupImageName(group: string): string {
  return `${NAME_PREFIX}-${group}`;
}

/** A built image: `ai-system-<group>:<first 16 hex digits of the content hash>`. */
export function builtImageReference(group: string, contentHash: string): string {
  return `${groupImageName(group)}:${contentHash.slice(0, CONTENT_TAG_LENGTH)}`;
}

/** A prebuilt image: `<registry>/ai-system-<group>:<tag>`, or `ai-system-<group>:<tag>` without a registry. */
export function prebuiltImageReference(registry: string, tag: string, group: string): string {
  const repository = groupImageName(group);
  return `${registry === "" ? repository : `${registry.replace(/\/+$/, "")}/${repository}`}:${tag}`;
}

/** A pinned prebuilt image: `<registry>/ai-system-<group>@sha256:...` (the digest wins over any tag). */
export function pinnedImageReference(registry: string, group: string, digest: string): string {
  const repository = groupImageName(group);
  return `${registry === "" ? repository : `${registry.replace(/\/+$/, "")}/${repository}`}@${digest}`;
}

/** A prebuilt group's reference: pinned by digest when imageDigests names it, else by tag. */
function prebuiltReference(settings: Extract<ImageSettings, { mode: "prebuilt" }>, group: string): string {
  const digest = getOwn(settings.digests, group);
  return digest === undefined ? prebuiltImageReference(settings.registry, settings.tag, group) : pinnedImageReference(settings.registry, group, digest);
}

/**
 * The image a group's container names. Prebuilt images are known from the settings alone; a
 * built image's tag needs its content hash, so without the group's GroupImageSpec (the plan
 * command and the compose export render without reading the build inputs) it is the untagged
 * repository.
 */
export function groupImageReference(settings: ImageSettings, group: string, image?: GroupImageSpec): string {
  if (image !== undefined) return image.reference;
  return settings.mode === "prebuilt" ? prebuiltReference(settings, group) : groupImageName(group);
}

/** The images of a prebuilt stack: one pulled image per group, nothing built. */
export function prebuiltGroupImages(settings: Extract<ImageSettings, { mode: "prebuilt" }>, groups: readonly string[]): GroupImageSpec[] {
  return groups.map((key) => ({ key, reference: prebuiltReference(settings, key), build: null }));
}

/** The registry host of `ghcr.io/owner` is `ghcr.io`: what docker login and the provider's registryAuth take. */
export function registryHost(registry: string): string {
  return registry.split("/")[0] ?? registry;
}
