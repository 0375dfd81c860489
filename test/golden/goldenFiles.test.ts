import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { exportCompose } from "../../src/compose/exportCompose";
import { formatFinding } from "../../src/config/finding";
import { MACHINES } from "../../src/config/machine";
import { renderNatsConfig } from "../../src/render/natsServer";
import { PROJECT_ROOT } from "../support/tempConfigRoot";

/**
 * The rendered output of both default stacks (the compose files and the generated NATS and
 * Redis configurations beside them), kept under test/golden/<machine>/ so that a change in what
 * is rendered shows in review. After an intended change: `npm run golden:update`.
 */
const GOLDEN_DIR = path.join(PROJECT_ROOT, "test", "golden");
const UPDATE = process.env["GOLDEN_UPDATE"] === "1";

function listFiles(dir: string, prefix = ""): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

describe("golden files: the rendered compose files and NATS/Redis configurations of both default stacks", function () {
  this.timeout(60_000);

  for (const machine of MACHINES) {
    it(`${machine} renders exactly test/golden/${machine}/ (update: npm run golden:update)`, () => {
      const outcome = exportCompose(PROJECT_ROOT, machine, PROJECT_ROOT);
      assert.ok(outcome.ok, outcome.ok ? "" : outcome.findings.map(formatFinding).join("\n"));
      const dir = path.join(GOLDEN_DIR, machine);
      // The project's own path (bind sources, build contexts) differs per checkout: written as <project>.
      const portable = (text: string): string => text.split(PROJECT_ROOT).join("<project>");
      const rendered = new Map(outcome.export.files.map((f) => [f.path, portable(f.content)]));
      // The server configurations on their own too (the compose file carries them inline).
      rendered.set("nats-server.conf", renderNatsConfig(machine, outcome.export.spec.groups.map((g) => g.key)));
      rendered.set("redis-server.command.json", `${JSON.stringify(outcome.export.spec.redis.command, null, 2)}\n`);
      if (UPDATE) {
        fs.rmSync(dir, { recursive: true, force: true });
        for (const [file, content] of rendered) {
          fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          fs.writeFileSync(path.join(dir, file), content);
        }
      }
      assert.deepStrictEqual(listFiles(dir).sort(), [...rendered.keys()].sort(), "the golden files are the rendered files");
      for (const [file, content] of rendered) {
        assert.strictEqual(content, fs.readFileSync(path.join(dir, file), "utf8"), `${machine}/${file} differs from its golden file; if intended, run npm run golden:update`);
      }
    });
  }
});
