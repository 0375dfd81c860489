/**
 * Helpers for tests that run against the private Docker engine of e2e/engine.sh: the scripts,
 * the docker CLI pointed at that engine, bounded waits and free ports.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const E2E_DIR = path.join(REPO_ROOT, "e2e");

/** The Debian client matches the Debian daemon; E2E_DOCKER overrides. */
export const DOCKER_BIN = process.env.E2E_DOCKER ?? (fs.existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker");
export const COMPOSE_BIN = process.env.E2E_DOCKER_COMPOSE ?? "/usr/bin/docker-compose";
export const ENGINE_SCRIPT = path.join(E2E_DIR, "engine.sh");

/** The local images (e2e/images.sh) that stand for each role's image in the compose files. */
export function e2eImages(agentGroupImage: string) {
  return {
    nats: "ai-system-e2e/nats:local",
    "volume-init": "ai-system-e2e/nats:local",
    redis: "ai-system-e2e/redis:local",
    "agent-group": agentGroupImage,
  } as const;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs a program (no shell); never rejects: the exit code is in the result (-1 on timeout). */
export function runProgram(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env: options.env ?? process.env, timeout: options.timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
          code = e.killed ? -1 : typeof e.code === "number" ? e.code : 1;
          if (e.killed) stderr = `${stderr}\n(killed after ${options.timeoutMs} ms)`;
          else if (typeof e.code === "string") stderr = `${stderr}\n${e.message}`;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
  });
}

/** e2e/<script> with arguments; rejects with its output when it exits non-zero. */
export async function runScript(script: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
  const result = await runProgram("bash", [path.join(E2E_DIR, script), ...args], { timeoutMs });
  if (result.code !== 0) {
    throw new Error(`e2e/${script} ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`.trim());
  }
  return result;
}

export interface EngineEnvironment {
  readonly dockerHost: string;
  readonly mainpcIp: string;
  readonly pc2Ip: string;
}

export async function engineEnvironment(): Promise<EngineEnvironment> {
  const { stdout } = await runScript("engine.sh", ["env"], 10_000);
  const vars = new Map(
    stdout
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()] as [string, string]),
  );
  const get = (name: string): string => {
    const value = vars.get(name);
    if (!value) throw new Error(`e2e/engine.sh env printed no ${name}`);
    return value;
  };
  return { dockerHost: get("DOCKER_HOST"), mainpcIp: get("E2E_MAINPC_IP"), pc2Ip: get("E2E_PC2_IP") };
}

/** The docker CLI against the engine at `dockerHost`. */
export class DockerCli {
  constructor(readonly dockerHost: string) {}

  /** Runs docker; rejects with stderr when it exits non-zero. */
  async run(args: readonly string[], timeoutMs = 60_000): Promise<string> {
    const result = await this.tryRun(args, timeoutMs);
    if (result.code !== 0) throw new Error(`docker ${args.join(" ")} exited ${result.code}: ${stripWarnings(result.stderr)}`);
    return result.stdout.trim();
  }

  tryRun(args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
    return runProgram(DOCKER_BIN, args, { env: { ...process.env, DOCKER_HOST: this.dockerHost }, timeoutMs });
  }

  inspect(name: string, format: string): Promise<string> {
    return this.run(["inspect", "--format", format, name], 15_000);
  }

  /** Seconds until the container's healthcheck says healthy; rejects with its health log. */
  async waitHealthy(name: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    let last = "";
    while (Date.now() - started < timeoutMs) {
      const result = await this.tryRun(["inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", name], 15_000);
      last = result.stdout.trim() || stripWarnings(result.stderr);
      if (last.endsWith(" healthy")) return (Date.now() - started) / 1000;
      if (last.startsWith("exited") || last.startsWith("dead")) break;
      await sleep(200);
    }
    const health = await this.tryRun(["inspect", "--format", "{{json .State}}", name], 15_000);
    const logs = await this.tryRun(["logs", "--tail", "20", name], 15_000);
    throw new Error(
      `${name} not healthy within ${timeoutMs} ms (last: ${last})\nstate: ${health.stdout.trim()}\nlogs:\n${logs.stdout}${logs.stderr}`,
    );
  }

  /** Removes every container, network and volume that carries `label` (best effort). */
  async removeLabelled(label: string): Promise<string[]> {
    const problems: string[] = [];
    const ids = async (args: string[]): Promise<string[]> =>
      (await this.tryRun(args, 30_000)).stdout
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
    const containers = await ids(["ps", "-aq", "--filter", `label=${label}`]);
    if (containers.length > 0) {
      const r = await this.tryRun(["rm", "-f", "-v", ...containers], 60_000);
      if (r.code !== 0) problems.push(`rm: ${stripWarnings(r.stderr)}`);
    }
    const networks = await ids(["network", "ls", "-q", "--filter", `label=${label}`]);
    if (networks.length > 0) {
      const r = await this.tryRun(["network", "rm", ...networks], 30_000);
      if (r.code !== 0) problems.push(`network rm: ${stripWarnings(r.stderr)}`);
    }
    const volumes = await ids(["volume", "ls", "-q", "--filter", `label=${label}`]);
    if (volumes.length > 0) {
      const r = await this.tryRun(["volume", "rm", "-f", ...volumes], 30_000);
      if (r.code !== 0) problems.push(`volume rm: ${stripWarnings(r.stderr)}`);
    }
    return problems;
  }

  /**
   * Removes a compose project: `down -v` through `compose` when the test's files exist (`compose`
   * not null), then anything still labelled with the project (best effort).
   */
  async removeComposeProject(project: string, compose: ((args: readonly string[], timeoutMs: number) => Promise<RunResult>) | null): Promise<string[]> {
    const problems: string[] = [];
    if (compose !== null) {
      const r = await compose(["down", "-v", "--remove-orphans", "-t", "5"], 120_000);
      if (r.code !== 0) problems.push(`down -v: ${stripWarnings(r.stderr)}`);
    }
    problems.push(...(await this.removeLabelled(`com.docker.compose.project=${project}`)));
    return problems;
  }
}

/** Drops the client's "IPv4 forwarding is disabled" warning (expected: see e2e/README.md). */
export function stripWarnings(text: string): string {
  return text
    .split("\n")
    .filter((l) => !l.startsWith("WARNING: IPv4 forwarding is disabled"))
    .join("\n")
    .trim();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than undefined; rejects after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 200): Promise<T> {
  const started = Date.now();
  let lastError: unknown = null;
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${lastError ? ` (last error: ${(lastError as Error).message})` : ""}`);
}

/** A TCP port free on `host` right now (the OS picks it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Quotes a string for `sh -c` (Docker's CMD-SHELL healthchecks). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function seconds(value: number): string {
  return `${value.toFixed(1)}s`;
}
