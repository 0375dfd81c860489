import { realLocation } from "../config/realContainment";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../projectRoot";
import { MACHINES } from "../config/machine";
import { Finding } from "../config/finding";
import { ordinal } from "../config/ordinal";
import { Environment } from "../config/substituteEnvironment";
import { DeploymentPlan } from "../plan/deploymentPlan";
import { generateRequirements } from "../requirements/generateRequirements";
import { ImportScanner } from "../requirements/importScanner";
import { PythonFiles } from "../python/pythonFiles";
import { missingDockerignoreRules } from "./dockerignoreRules";
import { LAUNCHER_FILE, LAUNCHER_SOURCE } from "../launcher/launcherContract";
import { ModuleResolver } from "../requirements/moduleResolver";
import { BASE_FILE, groupFile, systemFile } from "../requirements/requirementsFiles";
import { ImageTemplate } from "../render/spec";
import { HashedPart } from "./contentHash";
import { GroupImageInput, parseSystemPackages, requirementsPath, torchPinOf } from "./groupImage";

/** This project's Dockerfile templates (docker/README.md). */
export const DOCKER_DIR = path.join(PROJECT_ROOT, "docker");
export const DOCKERIGNORE = ".dockerignore";

export function templateFile(template: ImageTemplate): string {
  return path.join(DOCKER_DIR, `Dockerfile.${template}`);
}


export interface ImageInputsRequest {
  readonly plan: DeploymentPlan;
  /** Absolute config root: the build context. */
  readonly configRoot: string;
  /** The environment the plan was built with (the staleness check plans both machines with it). */
  readonly env: Environment;
  /** The plan's parses of the Python files, so each file is parsed once per run. */
  readonly pythonFiles?: PythonFiles;
}

export interface ImageInputs {
  readonly inputs: readonly GroupImageInput[];
  /** Why a group's image cannot be built (errors; file config-root-relative, or the config file naming an agent). */
  readonly problems: readonly Finding[];
}

/**
 * Reads what each planned group's image is built from: the template, the generated requirements
 * (`npm run requirements -- --config-root <root>`), the launcher copy, .dockerignore and the
 * Python files its agents run. Problems, all collected in one pass: a missing or out-of-date
 * generated file, a missing .dockerignore, an agent whose script is not there (the container
 * could never turn healthy), a system package line apt would not take.
 */
export function readImageInputs(request: ImageInputsRequest): ImageInputs {
  const { plan, configRoot } = request;
  // One parse of each file for the scans here and the staleness check's plans.
  const pythonFiles = request.pythonFiles ?? new PythonFiles(configRoot);
  const problems: Finding[] = [];
  const generateHint = `run \`npm run requirements -- --config-root ${configRoot}\` first`;
  const bytes = new Map<string, Buffer | null>();
  /** A config-root-relative file's bytes; null (and a problem) when it cannot be read. */
  const read = (relative: string, missing: () => Finding): Buffer | null => {
    if (bytes.has(relative)) return bytes.get(relative)!;
    let content: Buffer | null = null;
    try {
      const location = realLocation(configRoot, relative);
      if (location.kind === "outside") throw Object.assign(new Error(`a link to ${location.real}, outside the config root`), { code: "EOUTSIDE" });
      content = fs.readFileSync(path.join(configRoot, relative));
    } catch (error) {
      problems.push((error as NodeJS.ErrnoException).code === "ENOENT" ? missing() : unreadable(relative, error));
    }
    bytes.set(relative, content);
    return content;
  };
  const requirement = (file: string): Buffer | null =>
    read(requirementsPath(file), () => ({
      severity: "error",
      code: "missing-requirements",
      file: requirementsPath(file),
      line: 1,
      message: `the generated ${requirementsPath(file)} does not exist in the build context ${configRoot}; ${generateHint}`,
    }));

  const dockerignore = read(DOCKERIGNORE, () => ({
    severity: "error",
    code: "missing-dockerignore",
    file: DOCKERIGNORE,
    line: 1,
    message: `${configRoot} has no ${DOCKERIGNORE}: every image would take .git, runtime data and secret files such as .env from the build context; copy docker/.dockerignore of ai-system-infra there`,
  }));
  const missingRules = dockerignore === null ? [] : missingDockerignoreRules(dockerignore.toString("utf8"));
  if (missingRules.length > 0) {
    problems.push({
      severity: "error",
      code: "missing-dockerignore",
      file: DOCKERIGNORE,
      line: 1,
      message: `${DOCKERIGNORE} lacks ${missingRules.join(", ")}: the images would carry what they match (secrets, runtime data); append these lines to your ${DOCKERIGNORE} (your other rules stay)`,
    });
  }
  const base = requirement(BASE_FILE);
  const launcher = requirement(LAUNCHER_FILE);
  if (launcher !== null && !launcher.equals(fs.readFileSync(LAUNCHER_SOURCE))) {
    problems.push({
      severity: "error",
      code: "stale-requirements",
      file: requirementsPath(LAUNCHER_FILE),
      line: 1,
      message: `${requirementsPath(LAUNCHER_FILE)} is not this project's launcher/group_launcher.py (the images would run another launcher than the containers are configured for); ${generateHint.replace(" first", " again")}`,
    });
  }

  const scanner = new ImportScanner(new ModuleResolver(configRoot), pythonFiles);
  const inputs: GroupImageInput[] = [];
  for (const container of [...plan.containers].sort((a, b) => ordinal(a.name, b.name))) {
    const group = container.name;
    const template: ImageTemplate = container.gpu === null ? "cpu" : "gpu";
    const groupRequirements = requirement(groupFile(group));
    const systemText = requirement(systemFile(group));
    const scan = scanner.scan(container.agents);
    const found = new Set(scan.foundAgents);
    for (const agent of container.agents.filter((a) => !found.has(a.name))) {
      problems.push({
        severity: "error",
        code: "missing-script",
        file: agent.source.file,
        line: agent.source.line,
        message: `${agent.name}'s script_path ${agent.scriptPath} is not a file under ${configRoot}: the launcher could not start it and ${group} could never turn healthy`,
      });
    }
    const code: HashedPart[] = [];
    for (const file of scan.files) {
      const content = read(file, () => unreadable(file, new Error("it disappeared during the scan")));
      if (content !== null) code.push({ kind: "code", name: file, content });
    }
    let systemPackages: string[] = [];
    if (systemText !== null) {
      const parsed = parseSystemPackages(systemText.toString("utf8"));
      systemPackages = parsed.packages;
      for (const line of parsed.invalid) {
        problems.push({
          severity: "error",
          code: "invalid-system-package",
          file: requirementsPath(systemFile(group)),
          line: 1,
          message: `"${line}" is not an apt package name; the SYSTEM_PACKAGES build argument takes package names only (${generateHint.replace(" first", " again")})`,
        });
      }
    }
    const dockerfile = templateFile(template);
    if (dockerignore === null || base === null || launcher === null || groupRequirements === null || systemText === null) continue;
    inputs.push({
      group,
      template,
      context: configRoot,
      dockerfile,
      systemPackages,
      torchPin: template === "gpu" ? torchPinOf([base.toString("utf8"), groupRequirements.toString("utf8")]) : null,
      parts: [
        { kind: "template", name: `docker/Dockerfile.${template}`, content: fs.readFileSync(dockerfile) },
        { kind: "requirements", name: requirementsPath(BASE_FILE), content: base },
        { kind: "requirements", name: requirementsPath(groupFile(group)), content: groupRequirements },
        { kind: "requirements", name: requirementsPath(systemFile(group)), content: systemText },
        { kind: "launcher", name: requirementsPath(LAUNCHER_FILE), content: launcher },
        { kind: "dockerignore", name: DOCKERIGNORE, content: dockerignore },
        ...code,
      ],
    });
  }

  if (!problems.some((p) => p.code === "missing-requirements")) problems.push(...staleRequirements(request, bytes, pythonFiles));
  return { inputs, problems: problems.sort((a, b) => ordinal(a.file, b.file) || a.line - b.line || ordinal(a.code, b.code) || ordinal(a.message, b.message)) };
}

function unreadable(file: string, error: unknown): Finding {
  return { severity: "error", code: "unreadable-file", file, line: 1, message: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * Generated files that differ from what `npm run requirements` would write now (the code or the
 * groups changed since): the image would install the wrong packages. Either of the command's
 * runs counts as current: for both machines (its default) or for this machine alone (--machine).
 */
function staleRequirements(request: ImageInputsRequest, onDisk: ReadonlyMap<string, Buffer | null>, pythonFiles: PythonFiles): Finding[] {
  const { plan, configRoot, env } = request;
  const names = [BASE_FILE, ...plan.containers.flatMap((c) => [groupFile(c.name), systemFile(c.name)])].sort(ordinal);
  let stale: string[] | null = null;
  for (const machines of [MACHINES, [plan.machine]]) {
    const generated = generateRequirements({ configRoot, machines, env, override: plan.config.override, pythonFiles });
    if (generated.failed) continue;
    const differing = names.filter((name) => onDisk.get(requirementsPath(name))?.toString("utf8") !== generated.files.get(name));
    if (differing.length === 0) return [];
    stale ??= differing;
  }
  return (stale ?? []).map((name) => ({
    severity: "error",
    code: "stale-requirements" as const,
    file: requirementsPath(name),
    line: 1,
    message: `${requirementsPath(name)} is out of date: the agents' imports or the docker groups changed since it was generated; run \`npm run requirements -- --config-root ${configRoot}\` again`,
  }));
}
