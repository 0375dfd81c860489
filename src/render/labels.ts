import { ordinal } from "../config/ordinal";
import { NAME_PREFIX } from "./names";
import { ContainerSpec } from "./spec";

/** Docker labels this program puts on containers. */
export const ROLE_LABEL = `${NAME_PREFIX}.role`;
export const INTERNAL_PORTS_LABEL = `${NAME_PREFIX}.hardening.internal-ports`;
export const EXCEPTION_LABEL_PREFIX = `${NAME_PREFIX}.hardening.exception.`;

export interface LabelSpec {
  readonly name: string;
  readonly value: string;
}

/**
 * What the hardening checks need to know about a container besides its settings, on the
 * container itself (`docker inspect` shows it): its role, the ports that must stay unpublished,
 * and each documented exception with its reason. Sorted by name.
 */
export function renderLabels(spec: ContainerSpec): LabelSpec[] {
  const labels: LabelSpec[] = [
    { name: ROLE_LABEL, value: spec.role },
    ...(spec.internalPorts.length === 0 ? [] : [{ name: INTERNAL_PORTS_LABEL, value: spec.internalPorts.join(",") }]),
    ...spec.exceptions.map((e) => ({ name: `${EXCEPTION_LABEL_PREFIX}${e.id}`, value: e.reason })),
  ];
  return labels.sort((a, b) => ordinal(a.name, b.name));
}
