import * as assert from "assert";
import { formatFinding } from "../../src/config/finding";
import { parseStackSettings, RawSettings } from "../../src/program";
import { TEST_SECRETS } from "../support/fakeStackInputs";

const SOURCE = { file: "Pulumi.pc2.yaml", baseDir: "/srv/infra", lineOf: () => 3 };
const SECRETS = TEST_SECRETS;
const MINIMAL: RawSettings = { machine: "pc2", configRoot: "../monorepo", mainpcIp: "192.168.1.10", pc2Ip: "192.168.1.20", ...SECRETS };
const DIGEST = `sha256:${"ab".repeat(32)}`;

const messages = (raw: RawSettings): string[] => {
  const outcome = parseStackSettings({ ...MINIMAL, ...raw }, SOURCE);
  return outcome.ok ? [] : outcome.findings.map(formatFinding);
};

describe("program/stackSettings: host platform, memory and registry", () => {
  it("reads hostPlatform (linux by default) and hostMemoryMb (0: not checked)", () => {
    const defaults = parseStackSettings(MINIMAL, SOURCE);
    assert.ok(defaults.ok);
    assert.deepStrictEqual([defaults.settings.platform, defaults.settings.hostMemoryMb], ["linux", null]);
    const desktop = parseStackSettings({ ...MINIMAL, hostPlatform: "wsl2-docker-desktop", hostMemoryMb: "32768" }, SOURCE);
    assert.ok(desktop.ok);
    assert.deepStrictEqual([desktop.settings.platform, desktop.settings.hostMemoryMb], ["wsl2-docker-desktop", 32768]);
    assert.deepStrictEqual(messages({ hostPlatform: "windows" }), [
      'ERROR [invalid-value] Pulumi.pc2.yaml:3: stack setting hostPlatform is invalid: "windows"; set it to linux or wsl2-docker-desktop',
    ]);
  });

  it("refuses gpuSharing mps on Docker Desktop: MPS needs the native Linux driver", () => {
    assert.deepStrictEqual(messages({ hostPlatform: "wsl2-docker-desktop", gpuSharing: "mps" }), [
      "ERROR [invalid-value] Pulumi.pc2.yaml:3: stack setting gpuSharing mps is not available on hostPlatform wsl2-docker-desktop: NVIDIA MPS needs the native Linux driver, and under WSL 2 CUDA runs on the Windows driver; set gpuSharing none (budgets are then passed as GPU_VRAM_BUDGET_MB, not enforced) or run this host on native Linux",
    ]);
    assert.deepStrictEqual(messages({ gpuSharing: "mps" }), []);
  });

  it("reads registry credentials and digest pins of prebuilt images; the token is never shown", () => {
    const outcome = parseStackSettings(
      { ...MINIMAL, imageMode: "prebuilt", imageRegistry: "ghcr.io/owner", imageRegistryUser: "owner", imageRegistryPassword: "ghp_Token-12345", imageDigests: JSON.stringify([`audio-emotion=${DIGEST}`]) },
      SOURCE,
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepStrictEqual(outcome.settings.images, { mode: "prebuilt", registry: "ghcr.io/owner", tag: "latest", digests: { "audio-emotion": DIGEST }, registryUser: "owner" });
    assert.deepStrictEqual(messages({ imageMode: "prebuilt", imageRegistry: "ghcr.io/owner", imageRegistryUser: "owner", imageRegistryPassword: "short" }), [
      "ERROR [invalid-value] Pulumi.pc2.yaml:3: stack setting imageRegistryPassword is invalid: the secret value; set it with `pulumi config set --secret imageRegistryPassword`: the token, at least 8 characters, no spaces",
    ]);
  });

  it("refuses credentials without their pair, a user without a registry, pins on built images and a pin written twice", () => {
    assert.deepStrictEqual(messages({ imageMode: "prebuilt", imageRegistry: "ghcr.io/owner", imageRegistryUser: "owner" }), [
      "ERROR [invalid-value] Pulumi.pc2.yaml:3: stack settings imageRegistryUser and the imageRegistryPassword secret go together; set both (pulumi config set --secret imageRegistryPassword <token>) or neither",
    ]);
    assert.deepStrictEqual(messages({ imageMode: "prebuilt", imageRegistryUser: "owner", imageRegistryPassword: "ghp_Token-12345" }), [
      "ERROR [invalid-value] Pulumi.pc2.yaml:3: stack setting imageRegistryUser needs imageRegistry (e.g. ghcr.io/<owner>); set it, or remove imageRegistryUser",
    ]);
    assert.deepStrictEqual(messages({ imageDigests: JSON.stringify([`core-platform=${DIGEST}`]) }), [
      "ERROR [invalid-value] Pulumi.pc2.yaml:3: stack settings imageDigests and imageRegistryUser apply to prebuilt images only; set imageMode prebuilt or remove them",
    ]);
    assert.deepStrictEqual(messages({ imageMode: "prebuilt", imageDigests: JSON.stringify([`a=${DIGEST}`, `a=${DIGEST}`]) }), [
      "ERROR [invalid-value] Pulumi.pc2.yaml:3: stack setting imageDigests pins a twice; keep one",
    ]);
    assert.deepStrictEqual(messages({ imageMode: "prebuilt", imageDigests: JSON.stringify(["a=sha256:abc"]) }), [
      'ERROR [invalid-value] Pulumi.pc2.yaml:3: stack setting imageDigests is invalid: "[\\"a=sha256:abc\\"]"; write a list of <group>=sha256:<64 lowercase hex digits> strings',
    ]);
  });
});
