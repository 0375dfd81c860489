import * as pulumi from "@pulumi/pulumi";
import { MachineStack } from "../../components/machineStack";
import { SecretValues } from "../../components/secretValues";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { PreparedMachine, prepareMachine } from "../pipeline/prepareMachine";
import { StackSettings } from "./stackSettings";

export interface DeployOptions {
  /** Component name; defaults to the machine (`mainpc`). */
  readonly name?: string;
  readonly opts?: pulumi.ComponentResourceOptions;
}

/** The resources of a machine prepareMachine accepted: the components only translate the spec. */
export function createMachine(prepared: PreparedMachine, secrets: SecretValues, options: DeployOptions = {}): MachineStack {
  const { settings, spec, images } = prepared;
  return new MachineStack(
    options.name ?? spec.machine,
    { spec, groupImages: images, secrets, dockerHost: settings.dockerHost, dockerSshOpts: settings.dockerSshOpts },
    options.opts ?? {},
  );
}

/**
 * Checks and renders the whole machine first (src/pipeline/prepareMachine.ts), then creates its
 * resources. Whatever prepareMachine refuses (plan errors, no containers, images that cannot be
 * built, a render error, a failed hardening check) ends in a RunError before any resource exists.
 */
export function deployMachine(settings: StackSettings, plan: DeploymentPlan, secrets: SecretValues, options: DeployOptions = {}): MachineStack {
  const outcome = prepareMachine(settings, { plan });
  if (!outcome.ok) throw new pulumi.RunError(outcome.refusal);
  return createMachine(outcome, secrets, options);
}
