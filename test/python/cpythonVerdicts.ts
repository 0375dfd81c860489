import { execFileSync } from "child_process";

/** CPython's own answer: `compile()` of each file under `root`, as {file: [line, message] | null}. */
const COMPILE_ALL = `
import json, os, sys
root = sys.argv[1]
out = {}
for d, ds, fs in os.walk(root):
    for f in fs:
        if not f.endswith(".py"):
            continue
        p = os.path.join(d, f)
        rel = os.path.relpath(p, root).replace(os.sep, "/")
        try:
            compile(open(p, "rb").read(), rel, "exec", dont_inherit=True)
            out[rel] = None
        except SyntaxError as e:
            out[rel] = [e.lineno, e.msg]
print(json.dumps(out))
`;

export type Verdicts = Record<string, [number, string] | null>;

export function cpythonVerdicts(root: string): Verdicts {
  const version = execFileSync("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" }).trim();
  if (version !== "3.11") throw new Error(`the syntax reference is CPython 3.11; python3 here is ${version}`);
  return JSON.parse(execFileSync("python3", ["-c", COMPILE_ALL, root], { encoding: "utf8", maxBuffer: 64 << 20 })) as Verdicts;
}

/** One source through CPython 3.11: null when it compiles, else [line, message]. */
export function cpythonVerdict(source: string): [number, string] | null {
  const script = "import json,sys\ntry:\n compile(sys.stdin.read(),'x.py','exec',dont_inherit=True); print('null')\nexcept SyntaxError as e:\n print(json.dumps([e.lineno, e.msg]))";
  return JSON.parse(execFileSync("python3", ["-c", script], { input: source, encoding: "utf8" })) as [number, string] | null;
}
