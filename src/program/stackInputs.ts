import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { SecretName } from "../render/spec";
import { CONFIG_NAMESPACE } from "./settingDefinitions";
import { lineOfKey } from "./stackFileLines";
import { RawSettings, SettingsSource } from "./stackSettings";

/** What the program reads from Pulumi: raw settings, where they are written, and the secrets. */
export interface StackInputs {
  readonly stack: string;
  /** Every `ai-system:*` value the stack has (unknown keys too), by key without namespace. */
  readonly raw: RawSettings;
  readonly source: SettingsSource;
  /** Called only after the settings validated, so a missing secret is a finding, not a crash. */
  readonly secret: (name: SecretName | "imageRegistryPassword") => pulumi.Output<string>;
}

export { lineOfKey } from "./stackFileLines";

/** Reads the running stack's configuration (impure: Pulumi runtime and the stack file). */
export function readStackInputs(projectDir: string = process.cwd()): StackInputs {
  const stack = pulumi.getStack();
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, string | undefined> = {};
  for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
    if (fullKey.startsWith(prefix)) raw[fullKey.slice(prefix.length)] = config.get(fullKey.slice(prefix.length));
  }
  const file = `Pulumi.${stack}.yaml`;
  const filePath = path.join(projectDir, file);
  const text = fs.existsSync(filePath) ? fs.readFileSync(filePath, "utf8") : null;
  return {
    stack,
    raw,
    source: { file, baseDir: projectDir, lineOf: (key) => lineOfKey(text, key) },
    secret: (name) => config.requireSecret(name),
  };
}
