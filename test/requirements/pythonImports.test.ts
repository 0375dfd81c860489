import * as assert from "assert";
import { execFileSync } from "child_process";
import { parsePythonImports, PythonImport } from "../../src/requirements/pythonImports";
import { tokenizePython } from "../../src/requirements/pythonTokens";

/** `line: [dots]module [names] [fallback]`, one string per import, in source order. */
function imports(source: string): string[] {
  const parsed = parsePythonImports(source);
  assert.deepStrictEqual(parsed.problems, []);
  return parsed.imports.map(brief);
}

function brief(i: PythonImport): string {
  const names = i.names === null ? "" : ` [${i.names.join(",")}]`;
  return `${i.line}: ${".".repeat(i.level)}${i.module}${names}${i.fallback ? " fallback" : ""}`;
}

const lines = (...text: string[]): string => `${text.join("\n")}\n`;

describe("python import parsing", () => {
  it("reads plain imports with aliases and several modules per statement", () => {
    assert.deepStrictEqual(imports(lines("\uFEFFimport os", "import a as b, c", "import x.y.z as xyz, numpy as np")), [
      "1: os",
      "2: a",
      "2: c",
      "3: x.y.z",
      "3: numpy",
    ]);
  });

  it("reads from-imports, parenthesised over several lines with comments and a trailing comma", () => {
    const source = lines(
      "from pkg.sub import (",
      "    one as uno,  # import not_a_module",
      "    two,",
      ")",
      "from cv2 import imread, imwrite as write",
      "from yaml import *",
    );
    assert.deepStrictEqual(imports(source), ["1: pkg.sub [one,two]", "5: cv2 [imread,imwrite]", "6: yaml [*]"]);
  });

  it("joins backslash continuations", () => {
    assert.deepStrictEqual(imports(lines("import numpy \\", "    as np, \\", "    scipy", "from zmq \\", "  import Context")), ["1: numpy", "1: scipy", "4: zmq [Context]"]);
  });

  it("reads relative imports with one, two and three dots", () => {
    assert.deepStrictEqual(imports(lines("from . import sibling", "from .x import y", "from ..parent import thing", "from ... import far", "from .a.b import (c)")), [
      "1: . [sibling]",
      "2: .x [y]",
      "3: ..parent [thing]",
      "4: ... [far]",
      "5: .a.b [c]",
    ]);
  });

  it("ignores imports inside strings, docstrings, f-strings and comments", () => {
    const source = lines(
      '"""Module docstring.',
      "import fake_doc",
      "from fake_doc import x",
      '"""',
      "# import fake_comment",
      "s = 'import fake_single'; import real_one",
      'f = f"{\'import fake_f\'} and {x!r}"',
      "b = rb'import fake_bytes' + B\"\"\"import fake_triple\"\"\"",
      "e = 'it\\'s import fake_escaped'",
      "r = r'\\\\'; import real_two",
      "def g():",
      "    '''import fake_function_doc'''",
      "    return 1",
    );
    assert.deepStrictEqual(imports(source), ["6: real_one", "10: real_two"]);
  });

  it("includes imports inside functions, methods, classes and one-line compound statements", () => {
    const source = lines(
      "def load():",
      "    import torch",
      "    if True: from transformers import AutoModel",
      "class Agent:",
      "    def run(self):",
      "        for _ in range(1): import whisper",
      "async def main():",
      "    import aiohttp",
      "x = 1; import zmq",
    );
    assert.deepStrictEqual(imports(source), ["2: torch", "3: transformers [AutoModel]", "6: whisper", "8: aiohttp", "9: zmq"]);
  });

  it("leaves out imports under if TYPE_CHECKING: (typing only) but keeps its else branch", () => {
    const source = lines(
      "from typing import TYPE_CHECKING",
      "import typing",
      "if TYPE_CHECKING:",
      "    import pandas",
      "    from numpy import ndarray",
      "    if True:",
      "        import deep_typing_only",
      "else:",
      "    import runtime_else",
      "if typing.TYPE_CHECKING: import inline_typing_only",
      "if not TYPE_CHECKING:",
      "    import negated",
      "import after",
    );
    assert.deepStrictEqual(imports(source), ["1: typing [TYPE_CHECKING]", "2: typing", "9: runtime_else", "12: negated", "13: after"]);
  });

  it("marks imports in except-ImportError clauses as fallbacks; the try body stays ordinary", () => {
    const source = lines(
      "try:",
      "    import ujson as json",
      "except ImportError:",
      "    import json",
      "try: import orjson",
      "except (ModuleNotFoundError, OSError) as e: import simplejson",
      "try:",
      "    import yaml",
      "except KeyError:",
      "    import not_a_fallback",
      "except:",
      "    import bare_fallback",
      "finally:",
      "    import after_finally",
      "import top",
    );
    assert.deepStrictEqual(imports(source), [
      "2: ujson",
      "4: json fallback",
      "5: orjson",
      "6: simplejson fallback",
      "8: yaml",
      "10: not_a_fallback",
      "12: bare_fallback fallback",
      "14: after_finally",
      "15: top",
    ]);
  });

  it("keeps __future__ as an ordinary import (the standard library list drops it later)", () => {
    assert.deepStrictEqual(imports(lines("from __future__ import annotations")), ["1: __future__ [annotations]"]);
  });

  it("reports what it cannot parse, with the line, and goes on", () => {
    const parsed = parsePythonImports(lines("import", "from x import", "s = 'open", "import ok"));
    assert.deepStrictEqual(parsed.imports.map(brief), ["4: ok"]);
    assert.deepStrictEqual(parsed.problems, [
      { line: 3, message: "unterminated string literal" },
      { line: 1, message: "cannot parse the import statement" },
      { line: 2, message: "cannot parse the from statement" },
    ]);
  });

  it("tokenizes logical lines with CPython's indentation columns (a tab advances to 8)", () => {
    const t = tokenizePython("a = (1,\n  2)\nif x:\n\tb = 2\n    \n# c\n");
    assert.deepStrictEqual(
      t.lines.map((l) => [l.line, l.indent, l.tokens.map((k) => k.text).join(" ")]),
      [
        [1, 0, "a = ( 1 , 2 )"],
        [3, 0, "if x :"],
        [4, 8, "b = 2"],
      ],
    );
  });
  it("agrees with CPython's own parser (ast) on a file mixing every case", () => {
    const source = lines(
      '"""Agent module. import fake_doc"""',
      "from __future__ import annotations",
      "import os, sys as system, a.b.c as abc",
      "from typing import TYPE_CHECKING, Optional",
      "from pkg.sub import (",
      "    one as uno,  # import fake_comment",
      "    two,",
      ")",
      "from . import sibling",
      "from ..parent.mod import thing",
      "import numpy \\",
      "    as np",
      "if TYPE_CHECKING:",
      "    from pandas import DataFrame",
      "elif os.name == 'nt':",
      "    import winreg",
      "else:",
      "    import posix",
      "try:",
      "    import ujson as json",
      "except (ImportError, AttributeError):",
      "    try:",
      "        import simplejson as json",
      "    except ImportError:",
      "        import json",
      "except Exception:",
      "    raise",
      "QUERY = '''",
      "import fake_in_triple",
      "'''",
      "class Agent:",
      "    x: Optional[int] = None; import inline_class",
      "    def handler(self, d={'k': 1}):",
      "        with open('f') as f: import in_with",
      "        lam = lambda: __import__('dynamic_not_seen')",
      "        return [i for i in range(3)]",
      "    async def run(self):",
      "        import aiohttp",
      "if __name__ == '__main__':",
      "    from .cli import main; main()",
    );
    // An independent oracle: CPython's ast, with the same rules (TYPE_CHECKING out, except-ImportError bodies are fallbacks).
    const oracle = [
      "import ast, json, sys",
      "CATCH = {'ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'}",
      "def typing_test(t):",
      "    return (isinstance(t, ast.Name) and t.id == 'TYPE_CHECKING') or (isinstance(t, ast.Attribute) and t.attr == 'TYPE_CHECKING')",
      "def catches(h):",
      "    if h.type is None: return True",
      "    names = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]",
      "    return any(isinstance(n, ast.Name) and n.id in CATCH for n in names)",
      "out = []",
      "def visit(node, fallback):",
      "    if isinstance(node, ast.If) and typing_test(node.test):",
      "        for n in node.orelse: visit(n, fallback)",
      "        return",
      "    if isinstance(node, ast.ExceptHandler):",
      "        fallback = fallback or catches(node)",
      "    if isinstance(node, ast.Import):",
      "        out.extend(f'{node.lineno}: {a.name}' + (' fallback' if fallback else '') for a in node.names)",
      "    if isinstance(node, ast.ImportFrom):",
      "        names = ','.join(a.name for a in node.names)",
      "        out.append(f'{node.lineno}: ' + '.' * node.level + (node.module or '') + f' [{names}]' + (' fallback' if fallback else ''))",
      "    for child in ast.iter_child_nodes(node): visit(child, fallback)",
      "visit(ast.parse(sys.stdin.read()), False)",
      "print(json.dumps(sorted(out)))",
    ].join("\n");
    const expected = JSON.parse(execFileSync("python3", ["-c", oracle], { input: source, encoding: "utf8" })) as string[];
    assert.strictEqual(expected.length, 18);
    assert.deepStrictEqual([...imports(source)].sort(), expected);
  });
});
