import * as pulumi from "@pulumi/pulumi";
import { EnvVar, renderSpecText, SecretName, secretsOf, SpecText } from "../src/render";

/** The stack's secrets, as `config.requireSecret` returns them. */
export type SecretValues = Readonly<Record<SecretName, pulumi.Input<string>>>;

/**
 * Resolves a spec value. Values with a secret become `pulumi.secret` outputs whatever the
 * secretness of the inputs, so a password spliced into a URL can never reach state in plain text.
 */
export function resolveText(value: SpecText, secrets: SecretValues): pulumi.Input<string> {
  if (typeof value === "string") return value;
  const names = secretsOf(value);
  const resolved = pulumi.all(names.map((n) => secrets[n])).apply((plain) => {
    const byName = new Map(names.map((n, i) => [n, plain[i]]));
    return renderSpecText(value, (n) => {
      const v = byName.get(n);
      if (v === undefined) throw new Error(`secret ${n} was not resolved`);
      return v;
    });
  });
  return pulumi.secret(resolved);
}

/** `KEY=value` lines in the spec's (sorted) order. */
export function envLines(env: readonly EnvVar[], secrets: SecretValues): pulumi.Input<string>[] {
  return env.map((e) => {
    const value = resolveText(e.value, secrets);
    return typeof value === "string" ? `${e.name}=${value}` : pulumi.secret(pulumi.output(value).apply((v) => `${e.name}=${v}`));
  });
}
