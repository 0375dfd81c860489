/**
 * Where one whole `ai-system` process spends its time, from V8's own CPU profile
 * (`node --cpu-prof`): each sample is charged to the first of these that is on its stack, so
 * the shares add up to the profile's total. For the bench's "why", when a target is missed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { SourceMap } from "module";
import * as os from "os";
import * as path from "path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileShare {
  readonly what: string;
  readonly ms: number;
}

type Frame = ProfileNode["callFrame"];

/** A module's own top level (what runs while it loads): an unnamed function at line 0. */
const topLevel = (f: Frame): boolean => f.functionName === "" && f.lineNumber === 0;
const inPackage = (name: string) => (f: Frame): boolean => !topLevel(f) && f.url.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`);

/** A sample counts for the first of these met from its own frame outwards. */
const CATEGORIES: readonly { what: string; matches: (frame: Frame) => boolean }[] = [
  { what: "YAML parsing (yaml package)", matches: inPackage("yaml") },
  { what: "zod (schemas built at import, validation)", matches: inPackage("zod") },
  { what: "loading modules (resolve, read, compile, top level)", matches: (f) => f.functionName === "Module._load" },
  { what: "garbage collection", matches: (f) => f.functionName === "(garbage collector)" },
  { what: "the command's own code", matches: (f) => !topLevel(f) && !f.url.includes(`${path.sep}node_modules${path.sep}`) && /[/\\](src|components)[/\\]/.test(f.url) },
];

/**
 * The bundle (dist/ai-system.js) is one URL: each frame is put back at its source file through
 * the bundle's source map, so the categories see yaml, zod and src/ as separate files again.
 */
function sourceFrames(profile: CpuProfile): Map<number, Frame> {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      const file = url.startsWith("file://") ? new URL(url).pathname : url;
      const mapFile = `${file}.map`;
      maps.set(url, file.endsWith(".js") && fs.existsSync(mapFile) ? new SourceMap(JSON.parse(fs.readFileSync(mapFile, "utf8")) as ConstructorParameters<typeof SourceMap>[0]) : null);
    }
    return maps.get(url)!;
  };
  const frames = new Map<number, Frame>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const map = frame.url === "" ? null : mapOf(frame.url);
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
    const source = entry !== undefined && "originalSource" in entry ? entry.originalSource : undefined;
    // Only the file changes: the line stays the bundle's, which is what `topLevel` means here.
    frames.set(node.id, source === undefined ? frame : { ...frame, url: path.resolve(path.dirname(new URL(frame.url, "file:///").pathname), source.replace(/^file:\/\//, "")) });
  }
  return frames;
}

/** Shares of one profiled run of `args` (node arguments after the profiler's own), largest first. */
export function profileProcess(args: readonly string[], cwd: string): { totalMs: number; shares: ProfileShare[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-system-profile-"));
  try {
    const run = spawnSync(process.execPath, ["--cpu-prof", "--cpu-prof-dir", dir, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (run.status !== 0 && run.status !== 1) throw new Error(`profiled run exited ${run.status}: ${run.stderr}`);
    const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (file === undefined) throw new Error("node wrote no CPU profile");
    return summarise(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(profile: CpuProfile): { totalMs: number; shares: ProfileShare[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const frames = sourceFrames(profile);
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const other = "node start-up and the rest";
  const ms = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (byId.get(id)?.callFrame.functionName === "(idle)") return;
    totalMs += delta;
    let what = other;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = frames.get(at)!;
      const category = CATEGORIES.find((c) => c.matches(frame));
      if (category !== undefined) {
        what = category.what;
        break;
      }
    }
    ms.set(what, (ms.get(what) ?? 0) + delta);
  });
  return { totalMs, shares: [...ms].map(([what, t]) => ({ what, ms: t })).sort((a, b) => b.ms - a.ms) };
}
