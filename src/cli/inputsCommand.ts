/**
 * `npm run inputs -- --stack mainpc|pc2 [--json]`: what the Docker provider would receive, without
 * the Pulumi CLI or a backend. Evaluates the program under the stack's settings (Pulumi.yaml and
 * Pulumi.<stack>.yaml; placeholder secrets, shown as [secret]) with mocks that answer like the
 * provider, and prints every resource with its inputs and options, and any input whose stored
 * state would differ from it (a change on every later `pulumi up`).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Finding, formatFindings } from "../config/finding";
import { buildDeploymentPlan } from "../plan/buildDeploymentPlan";
import { projectRawSettings } from "../program/projectStackSettings";
import { providerReadBack, readBackDifferences } from "../program/providerReadBack";
import { maskSecrets, mockPulumi, Registration, revealSecrets } from "../program/registrationRecorder";
import { runProgram } from "../program/runProgram";
import { StackInputs } from "../program/stackInputs";
import { SecretName } from "../render/spec";
import { makeLeafCertificates } from "../tls/leafCertificates";
import { CommandResult, helpResult, parseCommandLine, usageError } from "./commandLine";

import { PROJECT_ROOT } from "../projectRoot";
export { PROJECT_ROOT };

const USAGE = `usage: ai-system inputs --stack mainpc|pc2 [--json]

  --stack  the stack whose settings to use (Pulumi.yaml defaults, then Pulumi.<stack>.yaml)
  --json   print one JSON object instead of text

Prints every resource the program would register: type, name, inputs (secrets as [secret]),
dependsOn by resource name, deleteBeforeReplace, replaceOnChanges, retainOnDelete,
ignoreChanges, customTimeouts, and stateDiffers: inputs the provider would store in another form.

exit status: 0 the program would deploy, 1 it would refuse (the findings are printed) or an input
would differ from its stored state, 2 wrong usage`;

/**
 * Secrets are never in the stack files in clear; any valid values render the same inputs (they
 * are printed as [secret]). Valid means what the stack settings demand: strong, different
 * passwords per role, and a leaf CA with this machine's certificate for mainpc's address, made
 * afresh (throwaway) with the same openssl step as `npm run leaf-certs`.
 */
function placeholderSecrets(stack: string, mainpcIp: string): Record<SecretName, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-inputs-"));
  try {
    const files = makeLeafCertificates(path.join(dir, "certs"), mainpcIp, 1);
    const mine = stack === "pc2" ? { cert: files.pc2Cert, key: files.pc2Key } : { cert: files.mainpcCert, key: files.mainpcKey };
    return {
      natsLeafCa: fs.readFileSync(files.ca, "utf8"),
      natsLeafCert: fs.readFileSync(mine.cert, "utf8"),
      natsLeafKey: fs.readFileSync(mine.key, "utf8"),
      natsLeafPassword: "Offline-leaf-placeholder-1",
      natsPassword: "Offline-nats-placeholder-2",
      redisPassword: "Offline-redis-placeholder-3",
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface ResourceView {
  readonly type: string;
  readonly name: string;
  /** Name of the parent resource; null for the stack's top level. */
  readonly parent: string | null;
  readonly dependsOn: readonly string[];
  readonly deleteBeforeReplace: boolean;
  readonly replaceOnChanges: readonly string[];
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: readonly string[];
  readonly customTimeouts: Registration["customTimeouts"];
  readonly inputs: unknown;
  /** Inputs whose stored state would differ (sorted); empty when the next update changes nothing. */
  readonly stateDiffers: readonly string[];
}

export interface InputsView {
  readonly stack: string;
  readonly resources: readonly ResourceView[];
  /** Warnings and infos of the plan (errors refuse the program instead). */
  readonly findings: readonly string[];
}

const nameOfUrn = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

function view(r: Registration): ResourceView {
  const plain = revealSecrets(r.inputs) as Record<string, unknown>;
  return {
    type: r.type,
    name: r.name,
    parent: r.parent === "" ? null : nameOfUrn(r.parent),
    dependsOn: r.dependencies.map(nameOfUrn).sort(),
    deleteBeforeReplace: r.deleteBeforeReplace,
    replaceOnChanges: r.replaceOnChanges,
    retainOnDelete: r.retainOnDelete,
    ignoreChanges: r.ignoreChanges,
    customTimeouts: r.customTimeouts,
    inputs: maskSecrets(r.inputs),
    stateDiffers: r.custom ? readBackDifferences(r.type, plain, providerReadBack(r.type, plain), r.ignoreChanges) : [],
  };
}

function stackInputs(projectDir: string, stack: string): StackInputs {
  const { raw, source } = projectRawSettings(projectDir, stack);
  const secrets = placeholderSecrets(stack, raw.mainpcIp ?? "192.168.1.10");
  Object.assign(raw, secrets);
  return { stack, raw, source, secret: (name) => pulumi.secret(name in secrets ? secrets[name as SecretName] : "Offline-registry-placeholder-4") };
}

/** The resources the stack's program would register, or the refusal's message. */
export async function evaluateStack(stack: string, projectDir: string = PROJECT_ROOT): Promise<{ ok: true; view: InputsView } | { ok: false; message: string }> {
  const run = await mockPulumi(stack);
  const findings: Finding[] = [];
  try {
    runProgram(stackInputs(projectDir, stack), buildDeploymentPlan, (f) => findings.push(f));
  } catch (error) {
    await run.settle();
    if (error instanceof pulumi.RunError) return { ok: false, message: error.message };
    throw error;
  }
  await run.settle();
  return { ok: true, view: { stack, resources: run.registrations.map(view), findings: formatFindings(findings) } };
}

function resourceText(r: ResourceView): string {
  const options = [
    r.deleteBeforeReplace ? "deleteBeforeReplace" : null,
    r.retainOnDelete ? "retainOnDelete" : null,
    r.replaceOnChanges.length > 0 ? `replaceOnChanges [${r.replaceOnChanges.join(", ")}]` : null,
    r.ignoreChanges.length > 0 ? `ignoreChanges [${r.ignoreChanges.join(", ")}]` : null,
    r.customTimeouts === null ? null : `customTimeouts create ${r.customTimeouts.create}, update ${r.customTimeouts.update}, delete ${r.customTimeouts.delete}`,
  ].filter((o): o is string => o !== null);
  const inputs = JSON.stringify(r.inputs, null, 2).split("\n").map((l) => `    ${l}`).join("\n");
  return [
    `${r.type} ${r.name}${r.parent === null ? "" : ` (in ${r.parent})`}`,
    `  dependsOn: ${r.dependsOn.length === 0 ? "-" : r.dependsOn.join(", ")}`,
    `  options: ${options.length === 0 ? "-" : options.join("; ")}`,
    ...(r.stateDiffers.length === 0 ? [] : [`  STATE DIFFERS: ${r.stateDiffers.join(", ")}`]),
    "  inputs:",
    inputs,
  ].join("\n");
}

/** The whole command; `projectDir` holds Pulumi.yaml and the stack files (this project by default). */
export async function runInputsCommand(argv: readonly string[], projectDir: string = PROJECT_ROOT): Promise<CommandResult> {
  const parsed = parseCommandLine(argv, { values: ["--stack"], switches: ["--json"] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usageError(parsed.problem, USAGE);
  const stack = parsed.values.get("--stack");
  if (stack === undefined) return usageError("--stack is required", USAGE);
  if (stack !== "mainpc" && stack !== "pc2") return usageError(`--stack must be mainpc or pc2, not ${stack}`, USAGE);
  const result = await evaluateStack(stack, projectDir);
  if (!result.ok) return { exitCode: 1, stdout: "", stderr: `${result.message}\n` };
  const differing = result.view.resources.filter((r) => r.stateDiffers.length > 0);
  const problems = differing.map((r) => `${r.name}: the provider would store ${r.stateDiffers.join(", ")} in another form, so every pulumi up would change it`);
  const stdout = parsed.switches.has("--json")
    ? `${JSON.stringify(result.view, null, 2)}\n`
    : `${[...result.view.resources.map(resourceText), ...result.view.findings].join("\n\n")}\n`;
  return { exitCode: problems.length > 0 ? 1 : 0, stdout, stderr: problems.map((p) => `${p}\n`).join("") };
}
