import * as assert from "assert";
import { runReportCommand } from "../../src/cli/reportCommand";
import { INCLUDE_FIXTURE } from "../support/tempConfigRoot";
import { mermaidBlocks } from "./markdownChecks";
import { closeMermaid, mermaidParseError } from "./mermaidParser";

/** GitHub renders Mermaid with Mermaid itself: the report's charts must pass its parser. */
describe("report charts under the real Mermaid parser", function () {
  this.timeout(60_000);
  after(closeMermaid);

  it("accepts both hosts' startup charts of the default configuration", async () => {
    const charts = mermaidBlocks(runReportCommand([], {}).stdout);
    assert.strictEqual(charts.length, 2);
    for (const chart of charts) assert.strictEqual(await mermaidParseError(chart), null, chart);
  });

  it("rejects a broken chart, so the check can fail", async () => {
    assert.notStrictEqual(await mermaidParseError("graph TD\n  a --> end\n  b[unclosed --> c"), null);
  });

  it("renders the include fixture's report (no containers planned) without charts to break", () => {
    assert.deepStrictEqual(mermaidBlocks(runReportCommand(["--config-root", INCLUDE_FIXTURE], {}).stdout), []);
  });
});
