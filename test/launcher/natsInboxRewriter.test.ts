import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

/** The Python unit tests of the relay's inbox rewriting (nats_inbox_rewriter_test.py), under CPython. */
describe("launcher: the NATS relay's inbox rewriting (python3 -m unittest)", function () {
  this.timeout(60_000);

  it("passes all 14 tests: SUB, PUB/HPUB reply, MSG/HMSG subjects, payloads untouched, split frames, the handshake", () => {
    const result = spawnSync("python3", ["-m", "unittest", "discover", "-s", __dirname, "-p", "nats_inbox_rewriter_test.py", "-v"], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
    assert.strictEqual(result.status, 0, result.stderr);
    assert.match(result.stderr, /^Ran 14 tests in /m);
    assert.match(result.stderr, /^OK$/m);
  });
});
