import * as pulumi from "@pulumi/pulumi";
import { Finding, formatFinding, reportedFindings } from "../config/finding";
import { FileSdTarget, prometheusTargets } from "../monitoring/prometheusTargets";
import { CONFIG_OVERRIDE, PlanBuilder, prepareMachine } from "../pipeline/prepareMachine";
import { Endpoints, GpuAllocationTable } from "../render/spec";
import { createMachine } from "./deployMachine";
import { formatRefusal } from "./planRefusal";
import { StackInputs } from "./stackInputs";
import { parseStackSettings, StackSettings } from "./stackSettings";

export type { PlanBuilder } from "../pipeline/prepareMachine";
export { CONFIG_OVERRIDE } from "../pipeline/prepareMachine";

export interface ProgramOutputs {
  readonly endpoints: pulumi.Output<Endpoints>;
  readonly gpuAllocation: pulumi.Output<GpuAllocationTable>;
  /** Container names in start order (wave, then name). */
  readonly containers: pulumi.Output<string[]>;
  /** Prometheus file_sd targets: every agent's /metrics on this host's Docker network. */
  readonly monitoringTargets: pulumi.Output<FileSdTarget[]>;
}

/** The registry token, read only when the stack pulls with credentials (imageRegistryUser). */
function registryPassword(settings: StackSettings, inputs: StackInputs): pulumi.Output<string> | undefined {
  const user = settings.images.mode === "prebuilt" ? settings.images.registryUser : "";
  return user === "" ? undefined : inputs.secret("imageRegistryPassword");
}

/**
 * The whole program: validate settings, build the plan, refuse a bad plan before any resource
 * exists, else create the machine. Warnings and infos go to `log`.
 */
export function runProgram(
  inputs: StackInputs,
  buildPlan: PlanBuilder,
  log: (f: Finding) => void = (f) => pulumi.log.warn(formatFinding(f)),
): ProgramOutputs {
  const parsed = parseStackSettings(inputs.raw, inputs.source);
  if (!parsed.ok) {
    throw new pulumi.RunError(formatRefusal(`The settings of stack ${inputs.stack} are invalid; nothing was deployed:`, parsed.findings));
  }
  const prepared = prepareMachine(parsed.settings, { buildPlan, override: CONFIG_OVERRIDE, settingsSource: inputs.source });
  if (!prepared.ok) throw new pulumi.RunError(prepared.refusal);
  const { plan } = prepared;
  const secrets = {
    natsLeafCa: inputs.secret("natsLeafCa"),
    natsLeafCert: inputs.secret("natsLeafCert"),
    natsLeafKey: inputs.secret("natsLeafKey"),
    natsLeafPassword: inputs.secret("natsLeafPassword"),
    natsPassword: inputs.secret("natsPassword"),
    redisPassword: inputs.secret("redisPassword"),
  };
  const machine = createMachine(prepared, secrets, {}, registryPassword(prepared.settings, inputs));
  reportedFindings(plan.findings).forEach(log);
  return {
    endpoints: machine.endpoints,
    gpuAllocation: machine.gpuAllocation,
    containers: pulumi.all(machine.groups.map((g) => g.containerName)),
    monitoringTargets: pulumi.output(prometheusTargets(plan)),
  };
}
