import * as assert from "assert";
import { code, codeList, table, text } from "../../src/report/markdown";
import { tableCells, tableProblems } from "./markdownChecks";

describe("report/markdown", () => {
  it("escapes what would turn text into emphasis, links, HTML or math, and keeps words with underscores readable", () => {
    assert.strictEqual(text("core_services"), "core_services");
    assert.strictEqual(text("_private *bold* [link](x) `code` ~strike~ a\\b"), "\\_private \\*bold\\* \\[link\\](x) \\`code\\` \\~strike\\~ a\\\\b");
    assert.strictEqual(text("agent_groups.<group> & ${VAR} costs $5"), "agent_groups.&lt;group&gt; &amp; &#36;{VAR} costs &#36;5");
    assert.strictEqual(text("two\nlines"), "two lines");
  });

  it("makes code spans that hold backticks", () => {
    assert.strictEqual(code("a.yaml"), "`a.yaml`");
    assert.strictEqual(code("a`b"), "``a`b``");
    assert.strictEqual(code("`x`"), "`` `x` ``");
    assert.strictEqual(codeList([]), "none");
    assert.strictEqual(codeList(["a", "b"]), "`a`, `b`");
  });

  it("escapes pipes in cells so the column count never changes, already escaped ones too", () => {
    const rendered = table(["a", "b"], [[code("x|y"), text("p\\|q")], ["", "r\\\\|s"]], ["left", "right"]);
    assert.strictEqual(rendered, ["| a | b |", "| --- | ---: |", "| `x\\|y` | p\\\\\\|q |", "|   | r\\\\\\|s |"].join("\n"));
    assert.deepStrictEqual(tableProblems(rendered), []);
    assert.deepStrictEqual(tableCells("| `x\\|y` | p\\\\\\|q |"), ["`x\\|y`", "p\\\\\\|q"]);
    assert.throws(() => table(["a", "b"], [["only one"]]), /table row has 1 cells for 2 columns/);
  });

  it("the table check finds broken tables", () => {
    assert.deepStrictEqual(tableProblems("| a | b |\n| --- | --- |\n| x | y | z |\n"), ["table at line 1, row 1: 3 cells for 2 columns: | x | y | z |"]);
    assert.deepStrictEqual(tableProblems("| a | b |\n| x | y |\n"), ["table at line 1: second line is not a delimiter row of 2 cells"]);
    assert.deepStrictEqual(tableProblems("```\n| not | a table\n```\n"), []);
  });
});
