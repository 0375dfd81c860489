import * as fs from "fs";
import * as path from "path";
import { parsePython, PythonGrammarNotLoaded } from "./pythonParser";
import { PythonImport, pythonImports } from "./pythonImports";
import { firstSyntaxError, PythonSyntaxError } from "./pythonSyntax";

/** What one Python file of the monorepo says, as far as planning cares. */
export interface ParsedPythonFile {
  readonly imports: readonly PythonImport[];
  /** The first error CPython 3.11 would report, or null when the file compiles. */
  readonly syntax: PythonSyntaxError | null;
}

/** Parses each root-relative file once (the requirements, image and preflight passes share it). */
export class PythonFiles {
  private readonly parsed = new Map<string, ParsedPythonFile | string>();
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The parsed file, or why it cannot be read. */
  read(file: string): ParsedPythonFile | string {
    const cached = this.parsed.get(file);
    if (cached !== undefined) return cached;
    let result: ParsedPythonFile | string;
    try {
      const tree = parsePython(fs.readFileSync(path.join(this.root, file), "utf8"));
      result = { imports: pythonImports(tree), syntax: firstSyntaxError(tree) };
      tree.delete();
    } catch (error) {
      // Not a property of the file: the entry point loads the grammar and runs again.
      if (error instanceof PythonGrammarNotLoaded) throw error;
      result = `cannot read the file: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.parsed.set(file, result);
    return result;
  }
}
