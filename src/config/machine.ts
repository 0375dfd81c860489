export const MACHINES = ["mainpc", "pc2"] as const;
export type Machine = (typeof MACHINES)[number];

/** Accepts the spellings the monorepo's MACHINE_TYPE uses (`mainpc`, `main_pc`, `MAIN_PC`, `pc2`). */
export function parseMachine(value: string): Machine | undefined {
  const v = value.trim().toLowerCase().replace(/[-_]/g, "");
  if (v === "mainpc") return "mainpc";
  if (v === "pc2") return "pc2";
  return undefined;
}

export function otherMachine(machine: Machine): Machine {
  return machine === "mainpc" ? "pc2" : "mainpc";
}
