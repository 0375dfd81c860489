import { MACHINES } from "../config/machine";
import { prometheusTargets, targetsFile } from "../monitoring/prometheusTargets";
import { code, table } from "./markdown";
import { ReportInput } from "./reportInput";

/** The Prometheus targets: how many, where the files go, and why they use network aliases. */
export function monitoringSection(input: ReportInput): string[] {
  const rows = MACHINES.map((m) => {
    const targets = prometheusTargets(input.plans[m]);
    return [m, String(targets.length), code(targets[0]?.targets[0] ?? "-"), code(targetsFile(m))];
  });
  return [
    "## Monitoring",
    "",
    "`npm run report -- --out FILE` also writes one Prometheus file-based service discovery file per host next to FILE, listing every agent's `/metrics` endpoint with the labels `machine`, `group` (the container) and `agent`. The HTTP port serving `/metrics` is not published to the LAN, so each target is the agent's network alias on its host's Docker network (`<machine>-<agent lower-cased>:<HTTP port>`): run Prometheus attached to that network on each host (or federate the two).",
    "",
    table(["Host", "Targets", "First target", "File"], rows, ["left", "right", "left", "left"]),
    "",
    "```yaml",
    "scrape_configs:",
    "  - job_name: ai-system-agents",
    "    file_sd_configs:",
    "      - files: [/etc/prometheus/targets/*.targets.json]",
    "```",
  ];
}
