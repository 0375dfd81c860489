#!/usr/bin/env node
// Bundles the `ai-system` command line into one file, dist/ai-system.js (part of `npm run build`).
//
// Why: a plan took about 0.35 s of CPU from tsc's 279 separate files, a third of it in Node's
// module loader (resolving, reading and compiling each file), and zod's CommonJS entry loads all
// 64 of its locales. One file, with zod's ES modules tree-shaken, takes about 0.24 s
// (`npm run bench`: whole process). tsc still type-checks and compiles src/ into dist/src for the
// Pulumi program and the tests.
"use strict";
const path = require("path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");

// Left to Node's loader at run time, each for a reason:
const EXTERNAL = [
  // the `inputs` command evaluates the Pulumi program: the SDK and the provider's SDK must be the
  // one instance that `pulumi.runtime.setMocks` patches, and they load their own files by path
  "@pulumi/*",
  // `status` only; ssh2 has optional native parts (cpu-features) that cannot be bundled
  "dockerode",
  // the parser's WebAssembly files are found next to their packages (require.resolve)
  "web-tree-sitter",
  "tree-sitter-python",
];

esbuild
  .build({
    absWorkingDir: root,
    entryPoints: ["src/cli/main.ts"],
    outfile: "dist/ai-system.js",
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // zod's and yaml's ES module builds, so what the commands do not use is left out
    mainFields: ["module", "main"],
    external: EXTERNAL,
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  })
  .then((result) => {
    // What went into the bundle, for the tests (no Pulumi SDK, no TypeScript, no zod locales).
    require("fs").writeFileSync(path.join(root, "dist", "ai-system.meta.json"), JSON.stringify(result.metafile));
  })
  .catch((error) => {
    // esbuild has printed its own build errors; anything else (writing the metafile) is said here.
    if (!Array.isArray(error?.errors)) console.error(error);
    process.exitCode = 1;
  });
