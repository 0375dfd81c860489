/**
 * The review's path attacks: symlinks out of the config root (an include, the override
 * directory, an agent script) are refused by real location, host paths are compared after
 * normalising, sensitive directories include Docker's and every ancestor, and a file over the
 * size limit ends in one finding instead of exhausting the heap.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MAX_FILE_BYTES } from "../../src/config/configFiles";
import { loadEffectiveConfig } from "../../src/config/loadEffectiveConfig";
import { normalizeHostPath, sensitiveHostPath } from "../../src/hardening/cisChecks";
import { ModuleResolver } from "../../src/requirements/moduleResolver";
import { removeConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";

const V3 = "config/startup_config.v3.yaml";
const AGENTS = "agent_groups:\n  core:\n    Alpha: {script_path: a.py, port: 7000}\n";

describe("security/paths by real location, host paths, file size", () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    outside = fs.mkdtempSync(path.join(os.tmpdir(), "outside-"));
    fs.writeFileSync(path.join(outside, "secret.yaml"), "global_settings:\n  environment:\n    LEAKED: outside-value\n");
    fs.mkdirSync(path.join(outside, "overrides"));
    fs.writeFileSync(path.join(outside, "overrides", "mainpc.yaml"), "global_settings:\n  environment:\n    LEAKED: from-override\n");
    fs.writeFileSync(path.join(outside, "evil.py"), "import leaked_module\n");
  });
  afterEach(() => {
    removeConfigRoot(root);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it("refuses an include that is a link to a file outside the root", () => {
    root = writeConfigRoot({ [V3]: `include: [inc.yaml]\n${AGENTS}` });
    fs.symlinkSync(path.join(outside, "secret.yaml"), path.join(root, "inc.yaml"));
    const { config, findings } = loadEffectiveConfig({ configRoot: root, machine: "mainpc", env: {}, override: null });
    assert.deepStrictEqual(
      findings.map((f) => `${f.code} ${f.file}:${f.line} ${f.message}`),
      [`invalid-value ${V3}:1 inc.yaml is a link to ${fs.realpathSync(path.join(outside, "secret.yaml"))}, outside the config root; include files inside ${root} only`],
    );
    assert.strictEqual(config.globalEnvironment.LEAKED, undefined);
  });

  it("refuses a machine override read through a linked override directory", () => {
    root = writeConfigRoot({ [V3]: AGENTS });
    fs.symlinkSync(path.join(outside, "overrides"), path.join(root, "config", "overrides"));
    const { config, findings } = loadEffectiveConfig({ configRoot: root, machine: "mainpc", env: {}, override: null });
    assert.deepStrictEqual(findings.map((f) => f.message), [
      `config/overrides/mainpc.yaml is a link to ${fs.realpathSync(path.join(outside, "overrides", "mainpc.yaml"))}, outside the config root; include files inside ${root} only`,
    ]);
    assert.strictEqual(config.globalEnvironment.LEAKED, undefined);
  });

  it("does not scan or hash a script that is a link out of the root, and follows one inside it", () => {
    root = writeConfigRoot({ [V3]: AGENTS, "inner.py": "x = 1\n" });
    fs.symlinkSync(path.join(outside, "evil.py"), path.join(root, "a.py"));
    fs.symlinkSync(path.join(root, "inner.py"), path.join(root, "b.py"));
    const resolver = new ModuleResolver(root);
    // "outside": never read, scanned or hashed; preflight and the build report the link itself.
    assert.strictEqual(resolver.entry("a.py"), "outside");
    assert.strictEqual(resolver.entry("b.py"), "file");
  });

  it("ends a file over the size limit in one finding", () => {
    root = writeConfigRoot({ [V3]: `${AGENTS}# ${"x".repeat(MAX_FILE_BYTES)}\n` });
    const { findings } = loadEffectiveConfig({ configRoot: root, machine: "mainpc", env: {}, override: null });
    assert.deepStrictEqual(findings.map((f) => `${f.code} ${f.message}`), [
      `invalid-value ${V3} is ${MAX_FILE_BYTES + AGENTS.length + 3} bytes, over the ${MAX_FILE_BYTES}-byte limit; split or fix it`,
    ]);
    assert.ok(MAX_FILE_BYTES >= 50 * 30 * 1024, "the limit leaves room for fifty times the real 30 KB file");
  });

  it("normalises host paths and refuses Docker's state, homes, /run and every ancestor of a sensitive directory", () => {
    assert.deepStrictEqual(["//etc", "/./etc/", "/var/../etc", "//", "/srv//monorepo/config/"].map(normalizeHostPath), ["/etc", "/etc", "/etc", "/", "/srv/monorepo/config"]);
    for (const p of ["//etc", "/./etc/", "//", "/", "/var/run", "/var/run/docker.sock", "/run", "/run/nvidia-mps", "/var", "/var/lib", "/var/lib/docker/volumes", "/root", "/home", "/home/ai/x", "/proc", "/sys/fs", "relative/dir"]) {
      assert.strictEqual(sensitiveHostPath(p), true, p);
    }
    for (const p of ["/srv/monorepo/config", "/tmp/nvidia-mps", "/var/lib/ai-system/nvidia-mps", "/opt/ai/config"]) assert.strictEqual(sensitiveHostPath(p), false, p);
  });
});
