import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readConfigDirectory } from "../../src/pipeline/configDirectory";
import { V3_TREE } from "../support/tempConfigRoot";

describe("pipeline/readConfigDirectory", () => {
  it("reads every regular file of the user's config/ (the whole v3 tree's), sorted, unchanged", () => {
    const dir = path.join(V3_TREE, "config");
    const read = readConfigDirectory(dir);
    assert.deepStrictEqual(read.findings, []);
    assert.deepStrictEqual(read.files.map((f) => f.path), [
      "DEPRECATED_README.md",
      "environment.yaml",
      "feature_flags.yaml",
      "machine_config.yaml",
      "memory_env.yaml",
      "network_config.yaml",
      "overrides/docker.yaml",
      "overrides/mainpc.yaml",
      "overrides/pc2.yaml",
      "startup_config.v3.yaml",
    ]);
    for (const f of read.files) assert.strictEqual(f.content, fs.readFileSync(path.join(dir, f.path), "utf8"));
  });

  describe("on a directory of its own", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-dir-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("follows links that stay inside, refuses one that leads out, and does not loop", () => {
      fs.writeFileSync(path.join(dir, "a.yaml"), "a: 1\n");
      fs.mkdirSync(path.join(dir, "sub"));
      fs.symlinkSync("../a.yaml", path.join(dir, "sub", "alias.yaml"));
      fs.symlinkSync("..", path.join(dir, "sub", "up"));
      fs.symlinkSync("/etc/hostname", path.join(dir, "outside.yaml"));
      const read = readConfigDirectory(dir);
      assert.deepStrictEqual(read.files, [
        { path: "a.yaml", content: "a: 1\n" },
        { path: "sub/alias.yaml", content: "a: 1\n" },
      ]);
      assert.deepStrictEqual(
        read.findings.map((f) => [f.severity, f.code, f.file, f.message]),
        [["error", "unreadable-file", path.join(dir, "outside.yaml"), `config/outside.yaml is a link to ${fs.realpathSync("/etc/hostname")}, outside the config directory; the agents would not see that file: copy it in or remove the link`]],
      );
    });

    it("refuses bytes that are not UTF-8 (uploads carry text) and a missing directory, each with what to do", () => {
      fs.writeFileSync(path.join(dir, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]));
      assert.deepStrictEqual(readConfigDirectory(dir).findings.map((f) => f.message), ["config/logo.png is not UTF-8 text and cannot be delivered unchanged; move it out of config/"]);
      const missing = path.join(dir, "nope");
      assert.deepStrictEqual(readConfigDirectory(missing).findings.map((f) => f.message), [
        `the config directory ${missing} does not exist; its files are delivered to every agent group at /app/config: set hostConfigDir (default <configRoot>/config) to the monorepo's config/ directory on this machine`,
      ]);
    });
  });
});
