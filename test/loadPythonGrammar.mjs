// The Python grammar is WebAssembly and loads asynchronously; some suites plan while mocha loads
// them, so it loads here, before any test file (mocha awaits an ES module given to --require).
import { createRequire } from "module";

const require = createRequire(import.meta.url);
await require("../src/python/pythonParser.ts").loadPythonGrammar();
