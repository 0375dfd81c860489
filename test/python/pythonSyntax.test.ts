import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parsePython } from "../../src/python/pythonParser";
import { firstSyntaxError } from "../../src/python/pythonSyntax";
import { V3_TREE } from "../support/tempConfigRoot";
import { cpythonVerdict, cpythonVerdicts } from "./cpythonVerdicts";

function verdict(source: string): { line: number; message: string } | null {
  const tree = parsePython(source);
  try {
    return firstSyntaxError(tree);
  } finally {
    tree.delete();
  }
}

describe("python/pythonSyntax against CPython 3.11 compile()", function () {
  this.timeout(180_000);

  it("agrees on accept/reject for every Python file of the user's monorepo", () => {
    const reference = cpythonVerdicts(V3_TREE);
    const files = Object.keys(reference).sort();
    assert.strictEqual(files.length, 632);
    const rejected = files.filter((f) => reference[f] !== null);
    assert.strictEqual(rejected.length, 221);
    const disagreements: string[] = [];
    let sameLine = 0;
    for (const file of files) {
      const ours = verdict(fs.readFileSync(path.join(V3_TREE, file), "utf8"));
      const theirs = reference[file]!;
      if ((ours === null) !== (theirs === null)) disagreements.push(`${file}: CPython ${JSON.stringify(theirs)}, tree-sitter ${JSON.stringify(ours)}`);
      else if (ours !== null && theirs !== null && ours.line === theirs[0]) sameLine++;
    }
    assert.deepStrictEqual(disagreements, []);
    // The verdict is exact; the line is CPython's for 157 of the 221 rejected files. tree-sitter's
    // error recovery often opens its ERROR node at the statement before the fault (an unclosed
    // `try:` is reported at the try, CPython reports the line after its body).
    assert.strictEqual(sameLine, 157);
  });

  // Each targeted check, with what CPython says: tree-sitter alone accepts every one of these.
  const cases: [string, string][] = [
    ["unexpected indent", "x = 1\n    y = 2\n"],
    ["unexpected indent in a block", "def f():\n    x = 1\n      y = 2\n"],
    ["empty finally", "try:\n    pass\nfinally:\n    # nothing\n\nx = 1\n"],
    ["Python 2 print", 'print "hello"\n'],
    ["Python 2 exec", 'exec "x = 1"\n'],
    ["<>", "a <> b\n"],
    ["except E, e", "try:\n    pass\nexcept ValueError, e:\n    pass\n"],
    ["bad string prefix", 'x = ff"a"\n'],
    ["leading zero", "x = 0777\n"],
    ["long suffix", "x = 10L\n"],
    ["return at module level", "return 1\n"],
    ["return in a class body", "class A:\n    return 1\n"],
    ["yield at module level", "yield 1\n"],
    ["await outside async", "def f():\n    await g()\n"],
    ["break outside loop", "if x:\n    break\n"],
    ["continue in a function inside a loop", "for x in y:\n    def f():\n        continue\n"],
  ];
  for (const [name, source] of cases) {
    it(`rejects what CPython rejects: ${name}`, () => {
      const theirs = cpythonVerdict(source);
      assert.notStrictEqual(theirs, null, "CPython accepts it: the case is wrong");
      const ours = verdict(source);
      assert.ok(ours !== null, `tree-sitter checks accept it; CPython: ${JSON.stringify(theirs)}`);
      assert.strictEqual(ours.line, theirs![0]);
    });
  }

  const valid: [string, string][] = [
    ["print >>f, x is an expression", 'import sys\nprint >>sys.stderr, "x"\n'],
    ["one-line bodies", "if x: y = 1\nelse: y = 2\nfor a in b: break\n"],
    ["rb and Rb prefixes", 'x = rb"a" + Rb"b" + BR"c" + f"{x}" + u"u"\n'],
    ["zero literals", "x = 0 + 00 + 0_0 + 0x1F + 1_000\n"],
    ["lambda with yield, async comprehension", "f = lambda: (yield)\nasync def g():\n    return [await h() for h in hs]\n"],
    ["continuation lines", "x = (1,\n        2)\ny = 1 + \\\n      2\n"],
  ];
  for (const [name, source] of valid) {
    it(`accepts what CPython accepts: ${name}`, () => {
      assert.strictEqual(cpythonVerdict(source), null, "CPython rejects it: the case is wrong");
      assert.strictEqual(verdict(source), null);
    });
  }

  // Known gaps: CPython rejects these in its compiler (not its parser) and tree-sitter accepts
  // them; none occurs in the user's tree. Listed so a change in either side shows up here.
  const gaps = ["f(x=1, x=2)\n", "def f(a=1, b): pass\n", "def f(a, a): pass\n", "f(a=1, b)\n", "nonlocal x\n", "del f()\n"];
  for (const source of gaps) {
    it(`known gap (accepted by these checks, rejected by CPython): ${JSON.stringify(source)}`, () => {
      assert.notStrictEqual(cpythonVerdict(source), null);
      assert.strictEqual(verdict(source), null);
    });
  }
});
