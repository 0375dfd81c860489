/**
 * Text in a compose file. docker-compose interpolates `$` in every string value of the file
 * (command, healthcheck, labels, environment, ...), so a literal `$` (the NATS configuration's
 * `$NATS_USER`, the Redis command's `"$REDIS_PASSWORD"` for `sh -c`) is written `$$`, and the
 * only `${...}` in a generated file are the secret variables, resolved from the operator's env
 * file. A compose file therefore never holds a secret value.
 */
import { machineContainers } from "../render/machineSpec";
import { MachineSpec, SecretEncoding, SecretName, SecretRef, SpecText } from "../render/spec";
import { encodeSecretRef } from "../render/specText";

/** A compose string that carries `${VARIABLE}` references: already escaped, written as is. */
export class Interpolated {
  constructor(readonly text: string) {}
}

/** A value of the compose model: plain strings are literal text (escaped when written). */
export type ComposeString = string | Interpolated;

/** `$` -> `$$`: compose then hands the container the literal text. */
export function escapeLiteral(text: string): string {
  return text.replace(/\$/g, "$$$$");
}

/** What a literal or interpolated string becomes in the file. */
export function composeText(value: ComposeString): string {
  return value instanceof Interpolated ? value.text : escapeLiteral(value);
}

const SECRET_VARIABLE_BASE: Readonly<Record<SecretName, string>> = {
  natsLeafCa: "NATS_LEAF_CA",
  natsLeafCert: "NATS_LEAF_CERT",
  natsLeafKey: "NATS_LEAF_KEY",
  natsLeafPassword: "NATS_LEAF_PASSWORD",
  natsPassword: "NATS_PASSWORD",
  redisPassword: "REDIS_PASSWORD",
};

const ENCODING_SUFFIX: Readonly<Record<SecretEncoding, string>> = {
  raw: "",
  url: "_URLENCODED",
  natsString: "_NATS_STRING",
  sha256: "_SHA256",
  base64: "_BASE64",
};

/**
 * The compose variable that holds a secret in one encoding. Compose cannot percent-encode or
 * quote while it interpolates, so each encoding the spec asks for is its own variable:
 * `REDIS_PASSWORD` (as is), `REDIS_PASSWORD_URLENCODED` (inside `redis://:...@redis`),
 * `NATS_PASSWORD_NATS_STRING` (a double-quoted NATS config string). `npm run compose --
 * --write-env FILE` writes them all from the plain passwords.
 */
export function secretVariable(ref: SecretRef): string {
  const derived = ref.derive === undefined ? "" : `_FOR_${ref.derive.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  return `${SECRET_VARIABLE_BASE[ref.secret]}${derived}${ENCODING_SUFFIX[ref.encoding]}`;
}

/** Every secret reference in the environments of a machine's containers (derived ones included), by variable. */
export function machineSecretRefs(spec: MachineSpec): SecretRef[] {
  return specSecretRefs(machineContainers(spec).flatMap((c) => c.env.map((e) => e.value)));
}

export function specSecretRefs(values: readonly SpecText[]): SecretRef[] {
  const byVariable = new Map<string, SecretRef>();
  for (const value of values) {
    if (typeof value === "string") continue;
    for (const part of value.parts) if (typeof part !== "string") byVariable.set(secretVariable(part), part);
  }
  return [...byVariable.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ref]) => ref);
}

/**
 * A spec value as compose text: plain text stays literal; each secret becomes
 * `${VARIABLE:?...}`, so compose refuses to start anything while a variable is unset.
 */
export function composeSpecText(value: SpecText): ComposeString {
  if (typeof value === "string") return value;
  return new Interpolated(
    value.parts.map((p) => (typeof p === "string" ? escapeLiteral(p) : `\${${secretVariable(p)}:?missing from the env file}`)).join(""),
  );
}

/** The value of every secret variable, from the plain passwords (for the env file). */
export function secretVariableValues(passwords: Readonly<Record<SecretName, string>>, refs: readonly SecretRef[]): Map<string, string> {
  return new Map(refs.map((ref) => [secretVariable(ref), encodeSecretRef(ref, passwords[ref.secret])]));
}

/** Compose's duration syntax (`1m30s`, `2m`, `500ms`): whole units only, as docker-compose 1.29 parses them. */
export function composeDuration(milliseconds: number): string {
  if (!Number.isInteger(milliseconds) || milliseconds < 0) throw new RangeError(`duration must be whole, non-negative milliseconds, got ${milliseconds}`);
  if (milliseconds === 0) return "0s";
  const parts: string[] = [];
  let rest = milliseconds;
  for (const [suffix, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${suffix}`);
    rest -= n * size;
  }
  return parts.join("");
}
