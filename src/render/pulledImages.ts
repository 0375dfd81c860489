/**
 * The images each host pulls by reference (NATS, whose image also runs the store init, and
 * Redis) and the resource names they get. Two references that differ only in case or punctuation
 * (`Registry.lan/nats:2` and `registry.lan/nats:2`, `nats:2.10-alpine` and `nats-2.10-alpine`)
 * would get the same name, which Pulumi refuses only after resources exist; renderMachine
 * refuses them first.
 */
import { sortedUnique } from "../config/ordinal";
import { MachineSpec } from "./spec";

/** `nats:2.10-alpine` -> `nats-2-10-alpine`, for resource names. */
export function imageSlug(image: string): string {
  return image.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/** The distinct pulled references, sorted. */
export function pulledImages(spec: Pick<MachineSpec, "natsStoreInit" | "nats" | "redis" | "configInit">): string[] {
  return sortedUnique([spec.natsStoreInit.image, spec.nats.image, spec.redis.image, spec.configInit.image]);
}

/** The first two references that would share a resource name, or null. */
export function imageSlugClash(images: readonly string[]): readonly [string, string] | null {
  const seen = new Map<string, string>();
  for (const image of images) {
    const earlier = seen.get(imageSlug(image));
    if (earlier !== undefined) return [earlier, image];
    seen.set(imageSlug(image), image);
  }
  return null;
}
