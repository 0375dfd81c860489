/**
 * The one path from a stack's settings and its config root to everything a target needs: the
 * plan, the group images, the rendered machine spec and its hardening report, or every finding
 * that refuses it. `npm run plan`, `npm run compose`, `npm run report` and the Pulumi program all
 * call it, so they refuse the same configs for the same reasons with the same messages.
 *
 *   settings -> plan (refused on an error finding or no container) -> group images -> render -> hardening
 *
 * Every list of findings it returns is in the one order (sortFindings: errors first, root causes
 * before what they cause), so the targets print them alike.
 */
import { Finding, finding, formatFinding, formatFindings, internalError, reportedFindings, sortFindings } from "../config/finding";
import { Machine } from "../config/machine";
import { Environment } from "../config/substituteEnvironment";
import { ContainerReport } from "../hardening/evaluate";
import { machineHardening } from "../hardening/machineReport";
import { imageRefusal, resolveGroupImages } from "../images/resolveGroupImages";
import { buildDeploymentPlan, PlanOptions } from "../plan/buildDeploymentPlan";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { planEnvironment } from "../program/planEnvironment";
import { planRefusal } from "../program/planRefusal";
import { projectStackSettings, projectStackSource } from "../program/projectStackSettings";
import { PythonFiles } from "../python/pythonFiles";
import { PythonGrammarNotLoaded } from "../python/pythonParser";
import { SettingsSource, StackSettings } from "../program/stackSettings";
import { hostOptions } from "../program/hostOptions";
import { machineContainers, renderMachine } from "../render/machineSpec";
import { ConfigFile, GroupImageSpec, MachineSpec } from "../render/spec";
import { readConfigDirectory } from "./configDirectory";

/** The containers always run CONFIG_OVERRIDE=docker, so every target plans with it too. */
export const CONFIG_OVERRIDE = "docker";

export type PlanBuilder = (options: PlanOptions) => DeploymentPlan;

export interface PrepareRequest {
  /** The CONFIG_OVERRIDE the plan applies (default `docker`, what the containers run). */
  readonly override?: string | null;
  /** The environment the plan resolves `${VAR}` with (default: planEnvironment(settings)). */
  readonly env?: Environment;
  /** A plan built already (the plan command's, a test's); else `buildPlan` builds it. */
  readonly plan?: DeploymentPlan;
  readonly buildPlan?: PlanBuilder;
  /** The config files delivered to the groups; else read from settings.hostConfigDir (readConfigDirectory). */
  readonly configFiles?: readonly ConfigFile[];
  /** Where the stack file writes each setting, for the plan's host findings (default: line 1 of Pulumi.<machine>.yaml). */
  readonly settingsSource?: Pick<SettingsSource, "file" | "lineOf">;
}

/** Everything a target needs of one machine. */
export interface PreparedMachine {
  readonly settings: StackSettings;
  readonly plan: DeploymentPlan;
  readonly images: readonly GroupImageSpec[];
  readonly spec: MachineSpec;
  /** One report per container, in creation order (machineContainers). */
  readonly hardening: readonly ContainerReport[];
}

/** The step that refused a machine. `internal`: an exception the pipeline did not expect (a bug). */
export type PrepareStage = "settings" | "plan" | "images" | "render" | "hardening" | "internal";

export type PrepareOutcome =
  | ({ readonly ok: true; readonly machine: Machine; readonly findings: readonly Finding[] } & PreparedMachine)
  | {
      readonly ok: false;
      readonly machine: Machine;
      readonly stage: PrepareStage;
      /** The plan's findings and the refusing step's, errors among them. */
      readonly findings: readonly Finding[];
      /** What the targets print: a headline, then the findings. */
      readonly refusal: string;
      readonly plan: DeploymentPlan | null;
      /** Set when the refusing stage is `hardening`. */
      readonly hardening: readonly ContainerReport[] | null;
    };

export type RefusedMachine = Extract<PrepareOutcome, { ok: false }>;

/** Plan, images, render and hardening of one machine; never throws for a bad config. */
export function prepareMachine(settings: StackSettings, request: PrepareRequest = {}): PrepareOutcome {
  const machine = settings.machine;
  let plan: DeploymentPlan | null = request.plan ?? null;
  // Each Python file parsed once for the plan and the image inputs (build mode) together.
  const pythonFiles = new PythonFiles(settings.configRoot);
  try {
    plan ??= (request.buildPlan ?? buildDeploymentPlan)({
      configRoot: settings.configRoot,
      machine,
      env: request.env ?? planEnvironment(settings),
      override: request.override === undefined ? CONFIG_OVERRIDE : request.override,
      vramCapacityMb: settings.vramCapacityMb ?? undefined,
      host: hostOptions(settings, request.settingsSource ?? { file: `Pulumi.${machine}.yaml`, lineOf: () => 1 }),
      healthGate: settings.healthGate,
      pythonFiles,
    });
    return preparePlanned(settings, plan, request.configFiles, pythonFiles);
  } catch (error) {
    // Not a problem of the config: the entry point loads the grammar and prepares again.
    if (error instanceof PythonGrammarNotLoaded) throw error;
    const internal = internalError(error, { file: `Pulumi.${machine}.yaml`, line: 1 });
    return { ok: false, machine, stage: "internal", findings: [internal], refusal: formatFinding(internal), plan, hardening: null };
  }
}

function preparePlanned(settings: StackSettings, plan: DeploymentPlan, givenConfigFiles: readonly ConfigFile[] | undefined, pythonFiles: PythonFiles): PrepareOutcome {
  const machine = plan.machine;
  const refused = (stage: PrepareStage, findings: readonly Finding[], refusal: string, hardening: readonly ContainerReport[] | null = null): PrepareOutcome => ({
    ok: false,
    machine,
    stage,
    findings,
    refusal,
    plan,
    hardening,
  });
  const planRefused = planRefusal(plan);
  if (planRefused !== null) return refused("plan", plan.findings, planRefused);
  const images = resolveGroupImages({ plan, configRoot: settings.configRoot, images: settings.images, env: planEnvironment(settings), pythonFiles });
  if (!images.ok) return refused("images", sortFindings([...plan.findings, ...images.problems]), imageRefusal(machine, settings.configRoot, images.problems));
  const config = givenConfigFiles === undefined ? readConfigDirectory(settings.hostConfigDir) : { files: givenConfigFiles, findings: [] };
  if (config.findings.length > 0) {
    return refused("render", sortFindings([...plan.findings, ...config.findings]), [`The ${machine} config files cannot be delivered:`, ...config.findings.map(formatFinding)].join("\n"));
  }
  const rendered = renderMachine(plan, settings, config.files, images.images);
  if (!rendered.ok) {
    const [only] = rendered.findings;
    const text =
      rendered.findings.length === 1 && only !== undefined
        ? `The ${machine} plan cannot be deployed: ${only.message}`
        : [`The ${machine} plan cannot be deployed:`, ...formatFindings(rendered.findings)].join("\n");
    return refused("render", sortFindings([...plan.findings, ...rendered.findings]), text);
  }
  const spec = rendered.spec;
  const hardening = machineHardening(spec);
  const failures = hardeningFindings(plan, spec, hardening);
  if (failures.length > 0) {
    return refused(
      "hardening",
      sortFindings([...plan.findings, ...failures]),
      [`The ${machine} containers fail hardening checks; nothing was deployed:`, ...reportedFindings(failures).map((f) => f.message)].join("\n"),
      hardening,
    );
  }
  return { ok: true, machine, findings: plan.findings, settings, plan, images: images.images, spec, hardening };
}

/**
 * One error per failed check, `<container>: <id> <title>: <problem>`, at the group's place in
 * the config (NATS, Redis and the store init come from the stack settings).
 */
function hardeningFindings(plan: DeploymentPlan, spec: MachineSpec, reports: readonly ContainerReport[]): Finding[] {
  const sources = new Map(plan.containers.map((c) => [c.name, c.source]));
  const containers = machineContainers(spec);
  return reports.flatMap((r, i) => {
    const at = sources.get(containers[i]?.key ?? "") ?? { file: `Pulumi.${plan.machine}.yaml`, line: 1 };
    return r.failures.map((f) => finding("error", "hardening-check", `${r.name}: ${f.id} ${f.title}: ${f.outcome.detail}`, at));
  });
}

export { internalError } from "../config/finding";

/**
 * The same step from the project files, without Pulumi: the stack settings of `machine` from
 * Pulumi.yaml's defaults and Pulumi.<machine>.yaml (no secrets), with `configRoot`.
 */
export function prepareProjectMachine(projectDir: string, machine: Machine, configRoot: string, request: PrepareRequest = {}): PrepareOutcome {
  const parsed = projectStackSettings(projectDir, machine, configRoot);
  if (!parsed.ok) {
    return {
      ok: false,
      machine,
      stage: "settings",
      findings: parsed.findings,
      refusal: [`The settings of stack ${machine} are invalid; nothing was deployed:`, ...formatFindings(parsed.findings)].join("\n"),
      plan: request.plan ?? null,
      hardening: null,
    };
  }
  return prepareMachine(parsed.settings, { settingsSource: projectStackSource(projectDir, machine), ...request });
}
