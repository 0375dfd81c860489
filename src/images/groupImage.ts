import { ordinal } from "../config/ordinal";
import { ImageSettings } from "../render/deploymentSettings";
import { builtImageReference } from "../render/groupImages";
import { GroupImageSpec, ImageTemplate } from "../render/spec";
import { parseRequirementsFile } from "../requirements/requirementLine";
import { buildArgsPart, hashedLabel, HashedPart, imageContentHash } from "./contentHash";

/**
 * The generated requirements directory in the build context, where the Dockerfiles COPY from
 * (their REQUIREMENTS_DIR default). The program's own, never the monorepo's `requirements/`:
 * the user's files there are theirs (and read as constraints), not overwritten.
 */
export const REQUIREMENTS_DIR = "ai-system-build/requirements";

/** Image labels: which group, and the content hash (find an image's inputs, or prune old ones). */
export const GROUP_LABEL = "ai-system.group";
export const CONTENT_HASH_LABEL = "ai-system.content-hash";

/** Everything one group's build is made from, already read (src/images/readImageInputs.ts). */
export interface GroupImageInput {
  readonly group: string;
  readonly template: ImageTemplate;
  /** Absolute: the config root. */
  readonly context: string;
  /** Absolute: the template file. */
  readonly dockerfile: string;
  /** The template, the three requirements files, the launcher, .dockerignore and the code (no build args). */
  readonly parts: readonly HashedPart[];
  /** apt packages from requirements/<group>.system.txt. */
  readonly systemPackages: readonly string[];
  /**
   * `torch==X` in the group's generated requirements (a pin of the settings or the user's files):
   * the GPU image installs exactly that build first, instead of the torchVersion setting, which
   * pip would otherwise have to reconcile with the pin (and cannot). Null when nothing pins torch.
   */
  readonly torchPin: string | null;
}

export type BuildImageSettings = Extract<ImageSettings, { mode: "build" }>;

/** Debian package names (policy 5.6.1), optionally `=version`: anything else would reach the apt-get shell line. */
const APT_PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;

/** The lines of a `<group>.system.txt`: one apt package each; `#` comments and blank lines skipped. */
export function parseSystemPackages(text: string): { packages: string[]; invalid: string[] } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  return { packages: lines.filter((l) => APT_PACKAGE.test(l)), invalid: lines.filter((l) => !APT_PACKAGE.test(l)) };
}

/** The exact version `torch==X` of generated requirements texts (base first, then the group's), or null. */
export function torchPinOf(texts: readonly string[]): string | null {
  for (const text of texts) {
    for (const { requirement } of parseRequirementsFile(text).requirements) {
      const exact = /^===?([^,*]+)$/.exec(requirement.specifier);
      if (requirement.key === "torch" && requirement.marker === null && exact !== null) return exact[1]!;
    }
  }
  return null;
}

export function requirementsPath(file: string): string {
  return `${REQUIREMENTS_DIR}/${file}`;
}

/**
 * The build arguments of docker/README.md: REQUIREMENTS (the group's file in the context),
 * SYSTEM_PACKAGES (space-separated), and for GPU images TORCH_VERSION (the requirements' exact
 * torch pin, else the setting) and TORCH_INDEX_URL.
 * The CPU template keeps its own TORCH_INDEX_URL default (CPU wheels).
 */
export function imageBuildArgs(group: string, template: ImageTemplate, systemPackages: readonly string[], settings: BuildImageSettings, torchPin: string | null = null): Record<string, string> {
  const args: Record<string, string> = {
    REQUIREMENTS: requirementsPath(`${group}.txt`),
    SYSTEM_PACKAGES: systemPackages.join(" "),
  };
  if (template === "gpu") {
    args.TORCH_INDEX_URL = settings.torchIndexUrl;
    args.TORCH_VERSION = torchPin ?? settings.torchVersion;
  }
  return Object.fromEntries(Object.entries(args).sort(([a], [b]) => ordinal(a, b)));
}

/** A group's built image: its build, content hash and content-tagged reference. */
export function buildGroupImage(input: GroupImageInput, settings: BuildImageSettings): GroupImageSpec {
  const buildArgs = imageBuildArgs(input.group, input.template, input.systemPackages, settings, input.torchPin);
  const parts = [...input.parts, buildArgsPart(buildArgs)];
  const contentHash = imageContentHash(parts);
  return {
    key: input.group,
    reference: builtImageReference(input.group, contentHash),
    build: {
      context: input.context,
      dockerfile: input.dockerfile,
      template: input.template,
      buildArgs,
      labels: { [CONTENT_HASH_LABEL]: contentHash, [GROUP_LABEL]: input.group },
      contentHash,
      hashed: parts.map(hashedLabel).sort(ordinal),
      timeoutMinutes: settings.buildTimeoutMinutes,
    },
  };
}
