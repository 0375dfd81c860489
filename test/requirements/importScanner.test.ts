import * as assert from "assert";
import { ImportScan, ImportScanner, ScanEntry } from "../../src/requirements/importScanner";
import { ModuleResolver } from "../../src/requirements/moduleResolver";
import { formatFinding } from "../../src/config/finding";
import { withConfigRoot } from "../support/tempConfigRoot";

const lines = (...text: string[]): string => `${text.join("\n")}\n`;

function scan(files: Readonly<Record<string, string>>, scripts: readonly string[]): ImportScan {
  const entries: ScanEntry[] = scripts.map((scriptPath, i) => ({ name: `Agent${i + 1}`, scriptPath, source: { file: "config/startup_config.v3.yaml", line: 10 + i } }));
  return withConfigRoot(files, (root) => new ImportScanner(new ModuleResolver(root)).scan(entries));
}

/** `module` or `module (fallback)`, sorted: what the scan found outside the monorepo. */
function thirdParty(result: ImportScan): string[] {
  return [...result.thirdParty].map(([module, fallback]) => (fallback ? `${module} (fallback)` : module)).sort();
}

describe("import scan", () => {
  it("follows local modules transitively through absolute, relative and package imports, cycles included", () => {
    const result = scan(
      {
        "main_pc_code/__init__.py": "import zmq\n",
        "main_pc_code/agents/__init__.py": "",
        "main_pc_code/agents/alpha.py": lines("from __future__ import annotations", "import os, json, logging.handlers", "from common.utils import helper", "from . import beta", "from .gamma import G", "import numpy as np"),
        // beta imports alpha back: a cycle a -> b -> a
        "main_pc_code/agents/beta.py": lines("from main_pc_code.agents import alpha", "import yaml"),
        "main_pc_code/agents/gamma.py": lines("from ..shared import tools", "import requests", "G = 1"),
        "main_pc_code/shared/__init__.py": lines("from .tools import *", "import psutil"),
        "main_pc_code/shared/tools.py": "import cv2\n",
        // common/ and common/utils/ have no __init__.py: namespace packages
        "common/utils/helper.py": lines("import redis", "from sklearn.cluster import KMeans", "from google import protobuf"),
        "unrelated/never.py": "import tensorflow\n",
      },
      ["main_pc_code/agents/alpha.py"],
    );
    assert.deepStrictEqual(result.warnings, []);
    assert.deepStrictEqual(result.foundAgents, ["Agent1"]);
    assert.deepStrictEqual(result.files, [
      "common/utils/helper.py",
      "main_pc_code/__init__.py",
      "main_pc_code/agents/__init__.py",
      "main_pc_code/agents/alpha.py",
      "main_pc_code/agents/beta.py",
      "main_pc_code/agents/gamma.py",
      "main_pc_code/shared/__init__.py",
      "main_pc_code/shared/tools.py",
    ]);
    assert.deepStrictEqual(thirdParty(result), ["cv2", "google.protobuf", "numpy", "psutil", "redis", "requests", "sklearn.cluster.KMeans", "yaml", "zmq"]);
  });

  it("reports a missing script at the agent's config line and still scans the others", () => {
    const result = scan({ "agents/ok.py": "import msgpack\n" }, ["agents/gone.py", "./agents/ok.py", "../outside.py"]);
    assert.deepStrictEqual(result.foundAgents, ["Agent2"]);
    assert.deepStrictEqual(thirdParty(result), ["msgpack"]);
    assert.deepStrictEqual(result.warnings.map(formatFinding), [
      "WARNING [missing-script] config/startup_config.v3.yaml:10: Agent1's script_path agents/gone.py does not exist under the config root; its imports are unknown",
      "WARNING [script-outside-root] config/startup_config.v3.yaml:12: Agent3's script_path ../outside.py is outside the config root; it is not scanned",
    ]);
  });

  it("warns about local modules it cannot resolve and relative imports above the top package", () => {
    const result = scan(
      {
        "top.py": lines("from . import nothing", "from common.missing import x", "from pkg.mod.sub import y", "from pkg import mod, not_a_module", "import pkg.gone"),
        "common/present.py": "",
        "pkg/__init__.py": "",
        "pkg/mod.py": "import aiohttp\n",
        "pkg/inner/deep.py": "from ... import z\n",
        "pkg/inner/use.py": "from ...pkg import q\n",
      },
      ["top.py", "pkg/inner/deep.py"],
    );
    assert.deepStrictEqual(thirdParty(result), ["aiohttp"]);
    assert.deepStrictEqual(result.warnings.map(formatFinding), [
      "WARNING [bad-relative-import] pkg/inner/deep.py:1: relative import ... goes above the top-level package (pkg/inner/deep.py is in package pkg.inner)",
      "WARNING [bad-relative-import] top.py:1: relative import . goes above the top-level package (a top-level module has no package)",
      "WARNING [unresolved-module] top.py:2: cannot resolve local module common.missing (imported as common.missing): neither common/missing.py nor a package directory common/missing/ exists under the config root",
      "WARNING [unresolved-module] top.py:3: cannot resolve local module pkg.mod.sub (imported as pkg.mod.sub): pkg/mod.py is a module, not a package, so it has no submodule sub",
      "WARNING [unresolved-module] top.py:5: cannot resolve local module pkg.gone (imported as pkg.gone): neither pkg/gone.py nor a package directory pkg/gone/ exists under the config root",
    ]);
  });

  it("leaves out the standard library, __future__ included, unless a local module shadows it", () => {
    const result = scan(
      {
        "a.py": lines("from __future__ import annotations", "import asyncio, dataclasses, typing, collections.abc, xml.etree.ElementTree", "import tomllib, zoneinfo", "import secrets", "import numpy"),
        // A regular local module shadows the standard library's (sys.path starts with /app).
        "secrets.py": "import bcrypt\n",
      },
      ["a.py"],
    );
    assert.deepStrictEqual(result.files, ["a.py", "secrets.py"]);
    assert.deepStrictEqual(thirdParty(result), ["bcrypt", "numpy"]);
  });

  it("treats a bare directory as local, unless a known distribution has that import name", () => {
    const result = scan(
      {
        "a.py": lines("from config import settings", "import yaml", "from models.loader import load"),
        "config/settings.py": "import dotenv\n",
        // A data directory named like a library: the installed package wins over a namespace dir.
        "yaml/notes.txt": "not code\n",
        "models/loader.py": "import torch\n",
      },
      ["a.py"],
    );
    assert.deepStrictEqual(result.files, ["a.py", "config/settings.py", "models/loader.py"]);
    assert.deepStrictEqual(thirdParty(result), ["dotenv", "torch", "yaml"]);
  });

  it("marks what only ImportError fallbacks reach as fallback, and a required path wins", () => {
    const result = scan(
      {
        "a.py": lines(
          "try:",
          "    from common.fast import f",
          "except ImportError:",
          "    from legacy_utils import f",
          "    from common import slow",
          "    from common.gone import g",
          "try:",
          "    import ujson as json",
          "except ImportError:",
          "    import json",
          "    import simplejson",
          "    import redis",
          "import redis",
        ),
        "common/fast.py": "import numpy\n",
        "common/slow.py": lines("import scipy", "from common import shared"),
        "common/shared.py": "import msgpack\n",
        "b.py": "from common import shared\n",
      },
      ["a.py", "b.py"],
    );
    assert.deepStrictEqual(thirdParty(result), ["legacy_utils.f (fallback)", "msgpack", "numpy", "redis", "scipy (fallback)", "simplejson (fallback)", "ujson"]);
    assert.deepStrictEqual(result.files, ["a.py", "b.py", "common/fast.py", "common/shared.py", "common/slow.py"]);
    assert.deepStrictEqual(result.warnings.map(formatFinding), [
      "WARNING [unresolved-module] a.py:6: cannot resolve local module common.gone (imported as common.gone) (in an ImportError fallback): neither common/gone.py nor a package directory common/gone/ exists under the config root",
    ]);
  });

  it("gives every scan its own result while sharing parsed files between them", () => {
    withConfigRoot({ "shared.py": "import zmq\n", "a.py": "import shared\n", "b.py": "import shared\n" }, (root) => {
      const scanner = new ImportScanner(new ModuleResolver(root));
      const first = scanner.scan([{ name: "A", scriptPath: "a.py", source: { file: "x", line: 1 } }]);
      const second = scanner.scan([{ name: "B", scriptPath: "b.py", source: { file: "x", line: 2 } }]);
      assert.deepStrictEqual([thirdParty(first), thirdParty(second)], [["zmq"], ["zmq"]]);
      assert.deepStrictEqual(second.files, ["b.py", "shared.py"]);
    });
  });
});

describe("requirements/importScanner: bare sibling imports", () => {
  it("resolves a generated module imported bare beside the importing file as local code, not a distribution", () => {
    const files = {
      "svc/agent.py": "import model_ops_pb2\nimport grpc\n",
      "svc/model_ops_pb2.py": "from google.protobuf import descriptor\n",
    };
    const scan = withConfigRoot(files, (root) => new ImportScanner(new ModuleResolver(root)).scan([{ name: "A", scriptPath: "svc/agent.py", source: { file: "config/startup_config.v3.yaml", line: 1 } }]));
    assert.deepStrictEqual([...scan.thirdParty.keys()].sort(), ["google.protobuf.descriptor", "grpc"]);
    assert.deepStrictEqual(scan.files, ["svc/agent.py", "svc/model_ops_pb2.py"]);
  });
});
