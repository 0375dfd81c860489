import * as pulumi from "@pulumi/pulumi";
import { MachineStack, RegistryAuth } from "../../components/machineStack";
import { SecretValues } from "../../components/secretValues";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { PreparedMachine, prepareMachine } from "../pipeline/prepareMachine";
import { StackSettings } from "./stackSettings";
import { registryHost } from "../render/groupImages";

function registryAuthOf(settings: StackSettings, password: pulumi.Output<string> | undefined): RegistryAuth | undefined {
  const images = settings.images;
  if (images.mode !== "prebuilt" || images.registryUser === "" || password === undefined) return undefined;
  return { address: registryHost(images.registry), username: images.registryUser, password };
}

export interface DeployOptions {
  /** Component name; defaults to the machine (`mainpc`). */
  readonly name?: string;
  readonly opts?: pulumi.ComponentResourceOptions;
}

/** The resources of a machine prepareMachine accepted: the components only translate the spec. */
export function createMachine(prepared: PreparedMachine, secrets: SecretValues, options: DeployOptions = {}, registryPassword?: pulumi.Output<string>): MachineStack {
  const { settings, spec, images } = prepared;
  return new MachineStack(
    options.name ?? spec.machine,
    {
      spec,
      groupImages: images,
      secrets,
      dockerHost: settings.dockerHost,
      dockerSshOpts: settings.dockerSshOpts,
      registryAuth: registryAuthOf(settings, registryPassword),
    },
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
