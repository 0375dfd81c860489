import * as assert from "assert";
import { parseStackSettings } from "../../src/program";
import { SETTING_KEYS, SETTINGS, SettingDefinition } from "../../src/program/settingDefinitions";
import { TEST_SECRETS } from "../support/fakeStackInputs";
import { PROJECT_DIR, readProjectFile, readStackFile, stackRawSettings } from "../support/stackFiles";

describe("Pulumi.yaml and the stack files", () => {
  const project = readProjectFile();

  it("is the ai-system TypeScript project", () => {
    assert.strictEqual(project.name, "ai-system");
    assert.deepStrictEqual(project.runtime, { name: "nodejs", options: { typescript: true } });
  });

  it("declares every stack setting with the program's type, default, secrecy and description", () => {
    // An optional secret is not declared: Pulumi requires a value for every declared key without a
    // default (sdk/go/common/workspace/config.go, "is missing configuration value"; seen on the real
    // CLI for imageRegistryPassword), and a default would be a plain value where a secret must be.
    const optionalSecrets = SETTING_KEYS.filter((key) => { const def: SettingDefinition = SETTINGS[key]; return def.secret === true && def.optional === true; });
    assert.deepStrictEqual(optionalSecrets, ["imageRegistryPassword"]);
    assert.deepStrictEqual(Object.keys(project.config), SETTING_KEYS.filter((key) => !optionalSecrets.includes(key)));
    for (const key of SETTING_KEYS.filter((k) => !optionalSecrets.includes(k))) {
      const def: SettingDefinition = SETTINGS[key];
      const entry = project.config[key];
      assert.strictEqual(entry.type, def.type, key);
      assert.strictEqual(entry.description, def.description, key);
      assert.deepStrictEqual(entry.default, def.default, key);
      assert.strictEqual(entry.secret, def.secret, key);
      if (def.type === "array") assert.deepStrictEqual(entry.items, { type: "string" }, key);
      // Pulumi rejects a secret with a default, and a secret must never sit in Pulumi.yaml.
      if (def.secret === true) assert.strictEqual(entry.default, undefined, key);
    }
  });

  for (const stack of ["mainpc", "pc2"]) {
    it(`Pulumi.${stack}.yaml sets known settings only, no secret in plain text, and validates`, () => {
      const { config } = readStackFile(stack);
      for (const fullKey of Object.keys(config)) {
        assert.match(fullKey, /^ai-system:/);
        const key = fullKey.slice("ai-system:".length);
        assert.ok(key in SETTINGS, `unknown setting ${fullKey}`);
        assert.notStrictEqual((SETTINGS as Record<string, SettingDefinition>)[key].secret, true, `${fullKey} is a secret`);
      }
      const outcome = parseStackSettings({ ...stackRawSettings(stack), ...TEST_SECRETS }, { file: `Pulumi.${stack}.yaml`, baseDir: PROJECT_DIR, lineOf: () => 1 });
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.strictEqual(outcome.settings.machine, stack);
      assert.strictEqual(outcome.settings.configRoot, PROJECT_DIR);
    });
  }
});
