/**
 * Real servers for the wire tests: Debian's package is installed when its binary is missing
 * (as root; CI runs as root on a fresh machine), a server is started with its output collected,
 * and the test waits for a log line instead of sleeping.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";

export function ensureDebianPackage(binary: string, pkg: string): string {
  const found = ["/usr/bin", "/usr/sbin", "/usr/local/bin"].map((d) => `${d}/${binary}`).find((p) => fs.existsSync(p));
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) throw new Error(`${binary} is missing and the test is not root: apt-get install ${pkg}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { env, stdio: "ignore", timeout: 300_000 });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", pkg], { env, stdio: "ignore", timeout: 300_000 });
  return ensureDebianPackage(binary, pkg);
}

/** A free TCP port on 127.0.0.1 (bound and released, so the server can take it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  readonly process: ChildProcess;
  output(): string;
  /** Resolves once the output matches `pattern` (count times), rejects after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, timeoutMs?: number, count?: number): Promise<void>;
  stop(): Promise<void>;
}

export function startServer(command: string, args: readonly string[], env: NodeJS.ProcessEnv): RunningServer {
  const child = spawn(command, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  let exited = false;
  child.stdout?.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  child.on("exit", () => (exited = true));
  const matches = (pattern: RegExp) => (text.match(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`)) ?? []).length;
  return {
    process: child,
    output: () => text,
    waitFor: (pattern, timeoutMs = 30_000, count = 1) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          if (matches(pattern) >= count) return resolve();
          if (exited) return reject(new Error(`${command} exited before ${pattern}:\n${text}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`));
          setTimeout(poll, 50);
        };
        poll();
      }),
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Replaces `from` with `to`, which must occur exactly `times` times (the test proves what it changed). */
export function replaceExactly(text: string, from: string, to: string, times = 1): string {
  const found = text.split(from).length - 1;
  if (found !== times) throw new Error(`expected ${times} of ${JSON.stringify(from)}, found ${found}`);
  return text.split(from).join(to);
}
