import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRawSettings } from "../../src/program/projectStackSettings";

describe("program/projectStackSettings: the stack files' raw settings", () => {
  it("parses the files again when either changes, and gives each caller its own copy", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-stack-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: x\nconfig:\n  ai-system:natsPort:\n    default: 4222\n");
      fs.writeFileSync(path.join(dir, "Pulumi.pc2.yaml"), "config:\n  ai-system:redisPort: 6379\n  other:key: 1\n");
      const first = projectRawSettings(dir, "pc2");
      assert.deepStrictEqual(first.raw, { "ai-system:natsPort": "4222", redisPort: "6379" });
      first.raw["redisPort"] = "changed by a caller";
      assert.deepStrictEqual(projectRawSettings(dir, "pc2").raw, { "ai-system:natsPort": "4222", redisPort: "6379" });
      fs.writeFileSync(path.join(dir, "Pulumi.pc2.yaml"), "config:\n  ai-system:redisPort: 6380\n");
      assert.deepStrictEqual(projectRawSettings(dir, "pc2").raw, { "ai-system:natsPort": "4222", redisPort: "6380" });
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: x\nconfig:\n  ai-system:natsPort:\n    default: [1, 2]\n");
      const last = projectRawSettings(dir, "pc2");
      assert.deepStrictEqual(last.raw, { "ai-system:natsPort": "[1,2]", redisPort: "6380" });
      assert.strictEqual(last.source.lineOf("ai-system:redisPort"), 2);
      fs.rmSync(path.join(dir, "Pulumi.pc2.yaml"));
      assert.deepStrictEqual(projectRawSettings(dir, "pc2").raw, { "ai-system:natsPort": "[1,2]" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
