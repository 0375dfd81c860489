export const MACHINES = ["mainpc", "pc2"] as const;
export type Machine = (typeof MACHINES)[number];

/** Accepts the spellings the monorepo's MACHINE_TYPE uses (`mainpc`, `main_pc`, `MAIN_PC`, `pc2`). */
export function parseMachine(value: string): Machine | undefined {
  const v = value.trim().toLowerCase().replace(/[-_]/g, "");
  if (v === "mainpc") return "mainpc";
  if (v === "pc2") return "pc2";
  return undefined;
}

/** The machine of the pair that is not `machine`. */
export function otherMachine(machine: Machine): Machine {
  return MACHINES.find((m) => m !== machine)!;
}

/** The host whose NATS server is the leaf-node hub (pc2's NATS dials it). */
export const NATS_HUB: Machine = "mainpc";
