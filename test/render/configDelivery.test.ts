import * as assert from "assert";
import {
  configDigest,
  configInitScript,
  configUploads,
  renderConfigInit,
  sortedConfigFiles,
} from "../../src/render/configDelivery";
import { RenderError } from "../../src/render/renderError";
import { renderAgentContainer } from "../../src/render/agentContainer";
import { samplePlan, sampleSettings } from "../support/samplePlan";

describe("render/configDelivery", () => {
  const files = [
    { path: "startup_config.v3.yaml", content: "global_settings: {}\n" },
    { path: "overrides/mainpc.yaml", content: "a: 1\n" },
    { path: "network_config.yaml", content: "mainpc: 10.0.0.1\n" },
  ];

  it("uploads every file under the staging directory, sorted by path, as the provider's `content` (mode 0644 by default)", () => {
    assert.deepStrictEqual(configUploads(files), [
      { file: "/staging/config/network_config.yaml", content: "mainpc: 10.0.0.1\n" },
      { file: "/staging/config/overrides/mainpc.yaml", content: "a: 1\n" },
      { file: "/staging/config/startup_config.v3.yaml", content: "global_settings: {}\n" },
    ]);
  });

  it("the digest depends on the content and the paths, not on the order given", () => {
    const d = configDigest(files);
    assert.match(d, /^[0-9a-f]{64}$/);
    assert.strictEqual(configDigest([...files].reverse()), d);
    assert.notStrictEqual(configDigest([{ ...files[0]!, content: "global_settings: {x: 1}\n" }, files[1]!, files[2]!]), d);
    assert.notStrictEqual(configDigest([{ ...files[0]!, path: "startup_config.yaml" }, files[1]!, files[2]!]), d);
    // Length prefixes: moving bytes between path and content is another file set.
    assert.notStrictEqual(configDigest([{ path: "ab", content: "c" }]), configDigest([{ path: "a", content: "bc" }]));
  });

  it("refuses paths that would leave the directory, and a file given twice", () => {
    for (const bad of ["../etc/passwd", "/etc/passwd", "a//b", "./a", ""]) {
      assert.throws(() => sortedConfigFiles([{ path: bad, content: "" }]), (e: unknown) => e instanceof RenderError && e.message === `config file path ${JSON.stringify(bad)} is not a plain relative path inside the config directory`);
    }
    assert.throws(() => sortedConfigFiles([files[0]!, files[0]!]), /config file startup_config.v3.yaml is given twice/);
  });

  it("the config init: no network, no capability, the config volume read-write, and a script that leaves no stale file", () => {
    const spec = renderConfigInit(sampleSettings(), files);
    assert.deepStrictEqual(
      [spec.key, spec.name, spec.role, spec.image, spec.user, spec.attachNetwork, spec.lifecycle, spec.restart, spec.readOnlyRootfs, spec.capabilities],
      ["config-init", "ai-system-config-init", "volume-init", "nats:2.10-alpine", "0:0", false, "once", "no", false, { drop: ["ALL"], add: [] }],
    );
    assert.deepStrictEqual(spec.mounts, [{ type: "volume", volume: "agent-config", target: "/config", readOnly: false }]);
    assert.deepStrictEqual(spec.command, [
      "sh",
      "-c",
      "set -e; mkdir -p /staging/config; find /config -mindepth 1 -maxdepth 1 -exec rm -rf {} +; cp -R /staging/config/. /config/; chmod -R u=rwX,go=rX /config",
    ]);
    assert.strictEqual(spec.command![2], configInitScript());
    assert.deepStrictEqual(spec.exceptions.map((e) => e.id), ["4.1", "5.13", "5.29"]);
  });

  it("a group mounts the config volume read-only at /app/config, carries the digest and waits for the config init", () => {
    const plan = samplePlan();
    const spec = renderAgentContainer(plan, plan.containers[0]!, sampleSettings(), undefined, files);
    assert.deepStrictEqual(spec.mounts.find((m) => m.target === "/app/config"), { type: "volume", volume: "agent-config", target: "/app/config", readOnly: true });
    assert.deepStrictEqual(spec.env.find((e) => e.name === "AI_SYSTEM_CONFIG_SHA256"), { name: "AI_SYSTEM_CONFIG_SHA256", value: configDigest(files) });
    assert.ok(spec.dependsOn.includes("config-init"));
    assert.ok(!spec.mounts.some((m) => m.type === "bind"), "no bind of a path on the operator's machine");
  });
});
