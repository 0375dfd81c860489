import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { PROJECT_ROOT } from "../support/tempConfigRoot";

export const LAUNCHER = path.join(PROJECT_ROOT, "launcher", "group_launcher.py");

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running `python3 launcher/group_launcher.py`, its output collected line by line. */
export class LauncherRun {
  readonly child: ChildProcess;
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<Exit>;
  exit: Exit | null = null;

  constructor(cwd: string, env: Readonly<Record<string, string>>) {
    // The launcher's children inherit this environment; PYTHONPATH from the outside must not leak in.
    const base = { ...process.env };
    delete base["PYTHONPATH"];
    this.child = spawn("python3", [LAUNCHER], { cwd, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    collect(this.child.stdout!, this.stdoutLines);
    collect(this.child.stderr!, this.stderrLines);
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  output(): string {
    return `stdout:\n${this.stdoutLines.join("\n")}\nstderr:\n${this.stderrLines.join("\n")}`;
  }

  /** Polls until `predicate` holds; fails with everything printed so far after `timeoutMs`. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async waitExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`launcher still running after ${timeoutMs} ms\n${this.output()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Lines the launcher itself wrote (`[launcher] ...`), without the prefix. */
  launcherLines(): string[] {
    return this.stderrLines.filter((l) => l.startsWith("[launcher] ")).map((l) => l.slice("[launcher] ".length));
  }

  /** Every agent process the launcher said it started, by pid. */
  agentPids(): number[] {
    return this.launcherLines().flatMap((l) => {
      const m = / as pid (\d+)$/.exec(l);
      return m ? [Number(m[1])] : [];
    });
  }

  /** SIGKILLs the launcher and every agent it started that is still alive (agents run in their own sessions). */
  killAll(): void {
    if (this.exit === null) this.child.kill("SIGKILL");
    for (const pid of this.agentPids()) {
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function collect(stream: NodeJS.ReadableStream, lines: string[]): void {
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
  });
  stream.on("end", () => {
    if (partial !== "") lines.push(partial);
  });
}
