import { machineContainers } from "../render/machineSpec";
import { MachineSpec } from "../render/spec";
import { ContainerReport, evaluateContainer } from "./evaluate";
import { viewFromSpec } from "./viewFromSpec";

/** The hardening report of every container a machine runs, in creation order. */
export function machineHardening(spec: MachineSpec): ContainerReport[] {
  return machineContainers(spec).map((c) => evaluateContainer(viewFromSpec(c)));
}
