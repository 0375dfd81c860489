import { containerSection } from "./containerSection";
import { findingsSection } from "./findingsSection";
import { gpuSection } from "./gpuSection";
import { healthSection } from "./healthSection";
import { inventorySection } from "./inventorySection";
import { monitoringSection } from "./monitoringSection";
import { networkSection } from "./networkSection";
import { inputsSection, summarySection, titleBlock } from "./overviewSection";
import { migrationSection, rollbackSection } from "./proceduresSection";
import { ReportInput } from "./reportInput";
import { startupSection } from "./startupSection";

/**
 * The Deployment Action Plan as one GitHub Markdown document, generated from both hosts' plans.
 * A pure function of its input (no dates, no absolute paths), so the same configuration always
 * gives the same bytes.
 */
export function renderActionPlan(input: ReportInput): string {
  const blocks = [
    titleBlock(),
    summarySection(input),
    inputsSection(input),
    inventorySection(input),
    containerSection(input),
    gpuSection(input),
    startupSection(input),
    networkSection(input),
    healthSection(input),
    monitoringSection(input),
    rollbackSection(input),
    migrationSection(input),
    findingsSection(input),
  ];
  // Sections end with or without a blank line; normalise to exactly one between blocks.
  const text = blocks.map((lines) => lines.join("\n").replace(/\n+$/, "")).join("\n\n");
  return `${text}\n`;
}
