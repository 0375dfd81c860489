/** Docker group names become container and DNS names: keep them DNS-safe (an RFC 1123 label). */
export const CONTAINER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The container name of a docker group as the user wrote it: the user's own files name groups in
 * snake_case (`vision_dream_gpu`), which is not a DNS label, so each `_` becomes `-`
 * (`vision-dream-gpu`). Null when the result is still not a container name (upper case, dots,
 * a leading or trailing separator, over 63 characters): the user renames it.
 */
export function containerNameOf(group: string): string | null {
  const name = group.replace(/_/g, "-");
  return CONTAINER_NAME.test(name) ? name : null;
}
