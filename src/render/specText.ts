import { SecretEncoding, SecretName, SpecText, TextPart } from "./spec";

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
  }
}

/**
 * Renders a value with each secret supplied by `lookup` and encoded as the reference says.
 * The components pass Pulumi's secret values; an exporter can pass placeholders.
 */
export function renderSpecText(value: SpecText, lookup: (name: SecretName) => string): string {
  if (isPlainText(value)) return value;
  return value.parts.map((p: TextPart) => (typeof p === "string" ? p : encodeSecret(lookup(p.secret), p.encoding))).join("");
}
