import * as pulumi from "@pulumi/pulumi";
import { MachineStack } from "../../components/machineStack";
import { SecretValues } from "../../components/secretValues";
import { failureLines } from "../hardening/evaluate";
import { machineHardening } from "../hardening/machineReport";
import { imageRefusal, resolveGroupImages } from "../images/resolveGroupImages";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { renderMachine } from "../render/machineSpec";
import { RenderError } from "../render/renderError";
import { MachineSpec } from "../render/spec";
import { planEnvironment } from "./planEnvironment";
import { planRefusal } from "./planRefusal";
import { StackSettings } from "./stackSettings";

export interface DeployOptions {
  /** Component name; defaults to the machine (`mainpc`). */
  readonly name?: string;
  readonly opts?: pulumi.ComponentResourceOptions;
}

/**
 * Checks and renders the whole machine first, then creates its resources. A plan with an error
 * finding, without containers, whose images cannot be built (imageMode build: missing or stale
 * generated requirements, a missing script, no .dockerignore), that cannot be rendered, or with
 * a container failing a hardening check ends in a RunError before any resource is registered.
 */
export function deployMachine(
  settings: StackSettings,
  plan: DeploymentPlan,
  secrets: SecretValues,
  options: DeployOptions = {},
): MachineStack {
  const refusal = planRefusal(plan);
  if (refusal !== null) throw new pulumi.RunError(refusal);
  const images = resolveGroupImages({ plan, configRoot: settings.configRoot, images: settings.images, env: planEnvironment(settings) });
  if (!images.ok) throw new pulumi.RunError(imageRefusal(plan.machine, settings.configRoot, images.problems));
  let spec: MachineSpec;
  try {
    spec = renderMachine(plan, settings, images.images);
  } catch (error) {
    if (error instanceof RenderError) throw new pulumi.RunError(`The ${plan.machine} plan cannot be deployed: ${error.message}`);
    throw error;
  }
  const failures = failureLines(machineHardening(spec));
  if (failures.length > 0) {
    throw new pulumi.RunError([`The ${plan.machine} containers fail hardening checks; nothing was deployed:`, ...failures].join("\n"));
  }
  return new MachineStack(
    options.name ?? plan.machine,
    { spec, groupImages: images.images, secrets, dockerHost: settings.dockerHost, dockerSshOpts: settings.dockerSshOpts },
    options.opts ?? {},
  );
}
