import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parsePython } from "../../src/python/pythonParser";
import { PythonImport, pythonImports } from "../../src/python/pythonImports";
import { V3_TREE } from "../support/tempConfigRoot";

function imports(source: string): Pick<PythonImport, "level" | "module" | "names" | "line" | "context" | "guard">[] {
  const tree = parsePython(source);
  try {
    return pythonImports(tree);
  } finally {
    tree.delete();
  }
}

const at = (line: number, module: string, context: PythonImport["context"], extra: Partial<PythonImport> = {}): PythonImport => ({
  level: 0,
  module,
  names: null,
  line,
  context,
  guard: null,
  ...extra,
});

describe("python/pythonImports", () => {
  it("reads every statement shape", () => {
    const source = "import a.b as c, d\nfrom ..x.y import (p as q, r,)\nfrom . import z\nfrom m import *\nfrom __future__ import annotations\n";
    assert.deepStrictEqual(imports(source), [
      at(1, "a.b", "top-level"),
      at(1, "d", "top-level"),
      at(2, "x.y", "top-level", { level: 2, names: ["p", "r"] }),
      at(3, "", "top-level", { level: 1, names: ["z"] }),
      at(4, "m", "top-level", { names: ["*"] }),
    ]);
  });

  it("classifies functions, ImportError fallbacks only, TYPE_CHECKING and platform guards", () => {
    const source = [
      "import os, sys",
      "try:",
      "    import ujson as json",
      "except ImportError:",
      "    import json",
      "try:",
      "    import torch",
      "except Exception:",
      "    import numpy",
      "if typing.TYPE_CHECKING:",
      "    import pandas",
      "if os.name == 'nt':",
      "    import win32com.client",
      "elif sys.platform.startswith('darwin'):",
      "    import AppKit",
      "else:",
      "    import fcntl",
      "if sys.platform != 'win32':",
      "    import resource",
      "else:",
      "    import msvcrt",
      "def f():",
      "    import sklearn.cluster",
      "try:",
      "    import a",
      "except (ImportError, ModuleNotFoundError) as e:",
      "    import b",
      "",
    ].join("\n");
    assert.deepStrictEqual(imports(source), [
      at(1, "os", "top-level"),
      at(1, "sys", "top-level"),
      at(3, "ujson", "top-level"),
      at(5, "json", "import-error-fallback"),
      at(7, "torch", "top-level"),
      at(9, "numpy", "top-level"),
      at(11, "pandas", "type-checking"),
      at(13, "win32com.client", "platform-guarded", { guard: "os.name == 'nt'" }),
      at(15, "AppKit", "platform-guarded", { guard: "sys.platform.startswith('darwin')" }),
      at(17, "fcntl", "top-level"),
      at(19, "resource", "top-level"),
      at(21, "msvcrt", "platform-guarded", { guard: "not (sys.platform != 'win32')" }),
      at(23, "sklearn.cluster", "function"),
      at(25, "a", "top-level"),
      at(27, "b", "import-error-fallback"),
    ]);
  });

  it("reads pc2_code/agents/tutor_agent.py to its end (the old tokenizer lost everything after line 166)", () => {
    const source = fs.readFileSync(path.join(V3_TREE, "pc2_code/agents/tutor_agent.py"), "utf8");
    const late = imports(source).filter((i) => i.line > 166).map((i) => `${i.line} ${i.module} ${i.context}`);
    assert.deepStrictEqual(late, [
      "321 random function",
      "414 numpy function",
      "415 torch function",
      "416 torch.nn function",
      "417 torch.utils.data function",
      "418 pandas function",
      "419 sklearn.preprocessing function",
      "420 sklearn.cluster function",
    ]);
  });

  it("recovers after an unclosed bracket instead of swallowing the rest of the file", () => {
    const source = "import numpy\nx = foo(\nimport torch\n\ndef g():\n    import sklearn\n";
    assert.deepStrictEqual(imports(source).map((i) => i.module), ["numpy", "torch", "sklearn"]);
  });
});
