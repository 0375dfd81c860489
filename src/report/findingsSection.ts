import { appendAll } from "../config/appendAll";
import { formatFindings } from "../config/finding";
import { MACHINES } from "../config/machine";
import { code } from "./markdown";
import { count } from "./format";
import { ReportInput } from "./reportInput";

/** Every finding of both plans, errors first, each with its file and line. */
export function findingsSection(input: ReportInput): string[] {
  const out = ["## Open findings", ""];
  for (const m of MACHINES) {
    const findings = input.plans[m].findings;
    const by = (s: string) => findings.filter((f) => f.severity === s).length;
    out.push(`### ${m}: ${count(by("error"), "error")}, ${count(by("warning"), "warning")}, ${count(by("info"), "note")}`, "");
    appendAll(out, [...(findings.length === 0 ? ["None."] : formatFindings(findings).map((line) => `- ${code(line)}`)), ""]);
  }
  return out;
}
