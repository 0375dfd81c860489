import { getOwn } from "./ownProperty";
import * as z from "zod";
import { Finding, finding } from "./finding";
import { MACHINES } from "./machine";
import { SourceLocation } from "./sourceLocation";
import { locateIn, nodeAt, treeToPlain, YNode } from "./yamlTree";

/** An integer TCP port, written as a number or a numeric string (what substitution yields). */
const port = z
  .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().min(1).max(65535));

const nullableList = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .optional()
    .transform((v) => v ?? []);

export const agentSchema = z.looseObject({
  script_path: z.string().trim().min(1),
  port,
  health_check_port: port.optional(),
  // Not required unless said, as the monorepo's own normaliser (common/config_manager.py:41,65 in the 2025-07-26 tree).
  required: z.boolean().nullable().optional().transform((v) => v ?? false),
  dependencies: nullableList(z.string().min(1)),
  config: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .transform((v) => v ?? {}),
});

const positiveInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/*
 * What Docker refuses only when the container is created, refused here first:
 * - GPU ids are indexes or NVIDIA UUIDs (`GPU-...`, `MIG-...`); `all` is a `count`, not an id,
 *   and the provider's deviceIds take ids only.
 * - NanoCPUs below 0.01 CPU ("Range of CPUs is from 0.01 to N", moby daemon/daemon_unix.go).
 * - A memory limit below 6 MiB ("Minimum memory limit allowed is 6MB", moby
 *   daemon/daemon_unix.go linuxMinMemory); a group runs Python, so 64 MiB is the floor here.
 * - Image references outside Docker's grammar (distribution/reference): lower-case path
 *   components, optional registry host (with a dot or a port, or localhost), tag of [\w][\w.-]{0,127}, optional digest.
 */
const GPU_DEVICE_ID = /^(?:[0-9]{1,3}|(?:GPU|MIG)-[0-9A-Za-z/-]{1,80})$/;
const dockerCpus = z.number().min(0.01).max(1024);
const groupMemoryMb = z.number().int().min(64).max(Number.MAX_SAFE_INTEGER);
export const IMAGE_REFERENCE =
  /^(?:(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?=:[0-9]))(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;
const imageReference = z.string().trim().max(255).regex(IMAGE_REFERENCE);

export const dockerGroupSchema = z.strictObject({
  /** What the group is for (the user's own files say it); shown in the plan. */
  description: z.string().nullable().optional(),
  agents: nullableList(z.string().min(1)),
  gpu: z
    .strictObject({
      vram_mb: positiveInt,
      device_ids: z.array(z.union([z.string().trim().regex(GPU_DEVICE_ID), z.number().int().min(0).max(999)]).transform(String)).min(1),
    })
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  cpus: dockerCpus.optional(),
  memory_mb: groupMemoryMb.optional(),
  shm_mb: positiveInt.optional(),
  image: imageReference.optional(),
  command: z.array(z.string()).nullable().optional(),
  audio: z.boolean().optional(),
  publish: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
});

export const dockerDefaultsSchema = z.looseObject({
  image: imageReference.optional(),
  cpus: dockerCpus.optional(),
  memory_mb: groupMemoryMb.optional(),
  shm_mb: positiveInt.optional(),
  gpu_headroom_mb: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  allow_vram_overcommit: z.boolean().optional(),
});

/**
 * `docker_defaults.requirements` (src/config/requirementsSettings.ts): what the generated
 * requirements add to or take from the agents' imports, for all groups, per machine or per group.
 * Versions are strings: YAML reads 1.20 as the number 1.2.
 */
const requirementsLayerShape = {
  pins: z.record(z.string(), z.string().trim().min(1)).nullable().optional(),
  exclude: z.array(z.string().trim().min(1)).nullable().optional(),
  extra: z.array(z.string().trim().min(1)).nullable().optional(),
  map: z.record(z.string(), z.string().trim().min(1)).nullable().optional(),
};
export const requirementsLayerSchema = z.strictObject(requirementsLayerShape);
export const requirementsSettingsSchema = z.strictObject({
  ...requirementsLayerShape,
  machines: z.partialRecord(z.enum(MACHINES), requirementsLayerSchema).nullable().optional(),
  groups: z.record(z.string(), requirementsLayerSchema).nullable().optional(),
});

/** What to do, per field, when a value is wrong: the finding's second half. */
const FIELD_HINTS: Readonly<Record<string, string>> = {
  script_path: "set script_path to the agent's Python file relative to the config root",
  port: 'set it to an integer from 1 to 65535, or "${PORT_OFFSET}+N"',
  health_check_port: 'set it to an integer from 1 to 65535, or "${PORT_OFFSET}+N"; it defaults to port + 1',
  required: "set required to true or false",
  dependencies: "list agent names, e.g. [ServiceRegistry]",
  config: "make config a mapping of settings",
  agents: "list agent names of this machine, e.g. [ServiceRegistry]",
  description: "write description as one line of text saying what the group is for",
  gpu: "write gpu: null, or gpu: {vram_mb: 4096, device_ids: [\"0\"]}",
  vram_mb: "set vram_mb to a positive whole number of MiB",
  device_ids: 'list explicit GPU ids (indexes or GPU-/MIG- UUIDs; not "all"), e.g. ["0"]',
  cpus: "set cpus to a number from 0.01 (Docker's minimum), e.g. 2.0",
  memory_mb: "set memory_mb to a whole number of MiB, at least 64",
  shm_mb: "set shm_mb to a positive whole number of MiB",
  image: "set image to an image reference, e.g. ai-system/agent-runtime:latest",
  command: "write command as a list of strings",
  audio: "set audio to true (the group's agents use the microphone or speakers) or false",
  publish: "write publish: true (every agent of the group) or a list of the group's agent names whose ports people on the LAN must reach",
  gpu_headroom_mb: "set gpu_headroom_mb to a whole number of MiB, 0 or more",
  allow_vram_overcommit: "set allow_vram_overcommit to true or false",
  pins: 'map distribution names to versions as strings, e.g. pins: {numpy: "==1.26.4"}',
  exclude: "list distribution (or unmapped import) names never to install, e.g. [pytest]",
  extra: 'list requirement lines to install besides the imports, e.g. ["sentencepiece==0.1.99"]',
  map: "map import names to distribution names, e.g. map: {cv2: opencv-python-headless}",
  machines: "map mainpc or pc2 to {pins, exclude, extra, map}",
  groups: "map docker group names to {pins, exclude, extra, map}",
};

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; findings: Finding[] };

/**
 * Validates a tree against a schema; each zod issue becomes an `invalid-value` finding at the
 * line of the offending key, naming the subject (`agent ServiceRegistry`) and what to do.
 */
export function parseWithFindings<T extends z.ZodType>(
  schema: T,
  node: YNode,
  subject: string,
  /** Where to point when the offending key is missing altogether (the subject's own key). */
  subjectLoc: SourceLocation = node.loc,
): ParseOutcome<z.output<T>> {
  const result = schema.safeParse(treeToPlain(node));
  if (result.success) return { ok: true, value: result.data };
  const findings = result.error.issues.map((issue) => {
    const issuePath = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const field = [...issuePath].reverse().find((p): p is string => typeof p === "string") ?? "";
    if (issue.code === "unrecognized_keys") {
      const keyPath = [...issuePath, issue.keys[0]!];
      return finding("error", "invalid-value", `${subject}: unknown key ${[...issuePath, issue.keys.join(", ")].join(".")}; remove it or fix its spelling`, locateIn(node, keyPath));
    }
    const where: SourceLocation = nodeAt(node, issuePath) === undefined ? subjectLoc : locateIn(node, issuePath);
    const label = issuePath.length > 0 ? issuePath.join(".") : "value";
    const hint = getOwn(FIELD_HINTS, field) ?? "fix this value";
    return finding("error", "invalid-value", `${subject}: ${label} is invalid (${describeIssue(issue)}); ${hint}`, where);
  });
  return { ok: false, findings };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union") return "expected a number or a numeric string";
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "missing";
  return issue.message.replace(/^Invalid input: /, "").replace(/^Too big: |^Too small: /, "");
}
