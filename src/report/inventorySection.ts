import { MACHINES } from "../config/machine";
import { ordinal } from "../config/ordinal";
import { code, codeList, table, text } from "./markdown";
import { ReportInput } from "./reportInput";

/** Agent counts per host and what the legacy files have that v3 lacks, and the reverse. */
export function inventorySection(input: ReportInput): string[] {
  const { plans } = input;
  const rows = MACHINES.map((m) => {
    const legacy = plans[m].legacy;
    return legacy
      ? [m, String(plans[m].agents.length), code(legacy.file), String(legacy.legacyCount), codeList(legacy.missingFromV3), codeList(legacy.notInLegacy)]
      : [m, String(plans[m].agents.length), "no legacy file", "-", "-", "-"];
  });
  const legacyCounts = MACHINES.flatMap((m) => (plans[m].legacy ? [plans[m].legacy!.legacyCount] : []));
  const total = MACHINES.reduce((n, m) => n + plans[m].agents.length, 0);
  rows.push(["**Total**", `**${total}**`, "", legacyCounts.length > 0 ? `**${legacyCounts.reduce((a, b) => a + b, 0)}**` : "-", "", ""]);
  const peerNames = new Set(plans.pc2.agents.map((a) => a.name));
  const onBoth = plans.mainpc.agents.map((a) => a.name).filter((n) => peerNames.has(n)).sort(ordinal);
  return [
    "## Agent inventory",
    "",
    "An agent is identified by host and name. Legacy files are compared by agent name when they exist under the config root.",
    "",
    table(["Host", "Agents (v3)", "Legacy file", "Legacy agents", "Missing from v3", "Not in legacy"], rows, ["left", "right", "left", "right", "left", "left"]),
    "",
    onBoth.length > 0
      ? `Agents that run on both hosts, once on each (counted twice above): ${onBoth.map((n) => text(n)).join(", ")}.`
      : "No agent name runs on both hosts.",
  ];
}
