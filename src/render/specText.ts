import { deriveSecret, sha256Hex } from "./derivedSecret";
import { SecretEncoding, SecretName, SecretRef, SpecText, TextPart } from "./spec";

export function isPlainText(value: SpecText): value is string {
  return typeof value === "string";
}

/** Secrets a value needs, sorted. */
export function secretsOf(value: SpecText): SecretName[] {
  if (isPlainText(value)) return [];
  const names = value.parts.flatMap((p) => (typeof p === "string" ? [] : [p.secret]));
  return [...new Set(names)].sort();
}

export function encodeSecret(plaintext: string, encoding: SecretEncoding): string {
  switch (encoding) {
    case "raw":
      return plaintext;
    case "url":
      return encodeURIComponent(plaintext);
    case "natsString":
      return `"${plaintext.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    case "sha256":
      return sha256Hex(plaintext);
    case "base64":
      return Buffer.from(plaintext, "utf8").toString("base64");
  }
}

/** The text a reference stands for, from the plain stack secret it names. */
export function encodeSecretRef(ref: SecretRef, secret: string): string {
  return encodeSecret(ref.derive === undefined ? secret : deriveSecret(secret, ref.derive), ref.encoding);
}

/**
 * Renders a value with each secret supplied by `lookup` and encoded as the reference says.
 * The components pass Pulumi's secret values; an exporter can pass placeholders.
 */
export function renderSpecText(value: SpecText, lookup: (name: SecretName) => string): string {
  if (isPlainText(value)) return value;
  return value.parts.map((p: TextPart) => (typeof p === "string" ? p : encodeSecretRef(p, lookup(p.secret)))).join("");
}
