/**
 * The e2e's changes to the generated compose files, only where this sandbox forces them, each
 * listed with its reason so the test can print them. Everything else runs as generated.
 *
 * Applied to copies of the parsed files rather than as a compose `-f` overlay because an overlay
 * cannot delete keys (GPU reservations, x-start_interval) in docker-compose 1.29.
 */
import * as fs from "fs";
import * as YAML from "yaml";
import { Machine, MACHINES } from "../../src/config/machine";
import { LAUNCHER_IMAGE_PATH } from "../../src/launcher/launcherContract";

/**
 * Agents the stub runs the way the user's real code behaves (e2e/stub_agent.py): SystemDigitalTwin
 * (mainpc core-platform, port 7220) serves /health on port + 2 = 7222 instead of the config's
 * 8221; CognitiveModelAgent (optional, mainpc reasoning-gpu, wave 3 before language-stack-gpu)
 * exits at every start.
 */
export const STUB_BEHAVIOUR = { STUB_CRASH_AT_START_AGENTS: "CognitiveModelAgent", STUB_REAL_HTTP_AGENTS: "SystemDigitalTwin" } as const;
export const CRASHING_AGENTS: readonly string[] = [STUB_BEHAVIOUR.STUB_CRASH_AT_START_AGENTS];

export interface OverrideOptions {
  readonly machine: Machine;
  /** Prefix of the container, volume and network names: both hosts share one engine here. */
  readonly prefix: string;
  /** The stacks' LAN addresses and the sandbox's. */
  readonly lanFrom: Readonly<Record<Machine, string>>;
  readonly lanTo: Readonly<Record<Machine, string>>;
  readonly cpuCount: number;
  /** Local image per `ai-system.role` label. */
  readonly images: Readonly<Record<"nats" | "volume-init" | "redis" | "agent-group", string>>;
  /** The stub behaviour variables for the group services (default STUB_BEHAVIOUR). */
  readonly stubBehaviour?: Readonly<Record<string, string>>;
}

export interface OverrideResult {
  readonly machineFile: any;
  readonly networkFile: any;
  /** One line per kind of change, with the reason. */
  readonly changes: readonly string[];
  /** Services that had GPU reservations (with their devices) before they were removed. */
  readonly gpuReservations: Readonly<Record<string, unknown>>;
  /** Services whose healthcheck had an x-start_interval. */
  readonly startIntervals: Readonly<Record<string, string>>;
}

/** Deep copy with every string passed through `f`. */
function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

export function parseCompose(text: string): any {
  return YAML.parse(text, { version: "1.1" });
}

export function stringifyCompose(document: unknown): string {
  return new YAML.Document(document, { version: "1.1" }).toString({ lineWidth: 0, minContentWidth: 0 });
}

export function e2eOverride(machineText: string, networkText: string, o: OverrideOptions): OverrideResult {
  const changes: string[] = [];
  let replacedIps = 0;
  const lan = (s: string): string => {
    let out = s;
    for (const m of MACHINES) {
      const parts = out.split(o.lanFrom[m]);
      replacedIps += parts.length - 1;
      out = parts.join(o.lanTo[m]);
    }
    return out;
  };
  const machineFile = mapStrings(parseCompose(machineText), lan) as any;
  const networkFile = mapStrings(parseCompose(networkText), lan) as any;
  changes.push(
    `LAN addresses ${MACHINES.map((m) => `${o.lanFrom[m]} -> ${o.lanTo[m]}`).join(", ")} in ${replacedIps} strings (published ports, host entries, *_IP variables, the NATS leaf URL) [the sandbox's two LAN addresses]`,
  );

  const services = machineFile.services as Record<string, any>;
  const images = new Map<string, string[]>();
  for (const [key, s] of Object.entries(services)) {
    const role = s.labels?.["ai-system.role"] as keyof OverrideOptions["images"];
    const image = o.images[role];
    if (image === undefined) throw new Error(`service ${key} has no known role label (${String(role)})`);
    const change = `${s.image} -> ${image}`;
    images.set(change, [...(images.get(change) ?? []), key]);
    s.image = image;
  }
  for (const [change, keys] of images) changes.push(`image ${change} (${keys.join(", ")}) [no registry: local images from e2e/images.sh]`);

  const gpuReservations: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(services)) {
    if (s.deploy === undefined) continue;
    gpuReservations[key] = s.deploy.resources.reservations.devices;
    delete s.deploy;
  }
  if (Object.keys(gpuReservations).length > 0) {
    changes.push(`deploy.resources.reservations.devices removed from ${Object.keys(gpuReservations).join(", ")} [no GPU, no NVIDIA runtime]`);
  }

  // Audio groups pass /dev/snd (and join the audio group); this sandbox may have no sound card.
  const soundless = !fs.existsSync("/dev/snd");
  const audio: string[] = [];
  for (const [key, s] of Object.entries(services)) {
    if (!soundless || s.devices === undefined) continue;
    audio.push(key);
    delete s.devices;
    delete s.group_add;
  }
  if (audio.length > 0) changes.push(`devices and group_add removed from ${audio.join(", ")} [no /dev/snd in this sandbox]`);

  const startIntervals: Record<string, string> = {};
  for (const [key, s] of Object.entries(services)) {
    const h = s.healthcheck;
    if (h === undefined || h["x-start_interval"] === undefined) continue;
    startIntervals[key] = h["x-start_interval"];
    h.interval = h["x-start_interval"];
    delete h["x-start_interval"];
  }
  const intervals = [...new Set(Object.values(startIntervals))];
  if (intervals.length > 0) {
    changes.push(
      `healthcheck.interval := x-start_interval (${intervals.join(", ")}) in ${Object.keys(startIntervals).length} services [Docker 20.10 has no start interval; Docker 25+ probes this often until healthy]`,
    );
  }

  // The stacks keep NATS clients and Redis on each host's network (publishServices: []); the
  // test's own clients connect from outside the engine, so they are published for it here.
  const testAccess: string[] = [];
  for (const [key, s] of Object.entries(services)) {
    const port = { nats: 4222, redis: 6379 }[s.labels?.["ai-system.role"] as string];
    if (port === undefined) continue;
    const binding = `${o.lanTo[o.machine]}:${port}:${port}`;
    if ((s.ports ?? []).some((p: string) => p.endsWith(`:${port}:${port}`))) continue;
    s.ports = [...(s.ports ?? []), binding];
    testAccess.push(`${key} ${binding}`);
  }
  if (testAccess.length > 0) changes.push(`ports ${testAccess.join(", ")} published [the test's NATS and Redis clients connect from outside the engine's networks]`);
  const launched: string[] = [];
  const stubBehaviour = o.stubBehaviour ?? STUB_BEHAVIOUR;
  for (const [key, s] of Object.entries(services)) {
    if (s.labels?.["ai-system.role"] !== "agent-group") continue;
    s.command = ["python3", LAUNCHER_IMAGE_PATH];
    s.environment = { ...s.environment, ...stubBehaviour };
    launched.push(key);
  }
  changes.push(
    `${Object.entries(stubBehaviour).map(([k, v]) => `${k}=${v}`).join(" ")} in the group services [stubs that behave like the real code (e2e/stub_agent.py): BaseAgent's HTTP on port + 2, auto-picked ports, agents that crash]`,
  );
  if (launched.length > 0) {
    changes.push(
      `command python3 ${LAUNCHER_IMAGE_PATH} in ${launched.join(", ")} [the stub image's default command is the stub itself; the production images' entrypoint is this launcher, which runs each agent's module, here the stub for that agent]`,
    );
  }

  const capped: string[] = [];
  for (const [key, s] of Object.entries(services)) {
    if (typeof s.cpus === "number" && s.cpus > o.cpuCount) {
      capped.push(`${key} ${s.cpus}`);
      s.cpus = o.cpuCount;
    }
  }
  if (capped.length > 0) changes.push(`cpus capped at ${o.cpuCount} (${capped.join(", ")}) [Docker refuses a CPU limit above the machine's ${o.cpuCount} CPUs]`);

  for (const s of Object.values(services)) s.container_name = `${o.prefix}-${s.container_name}`;
  for (const v of Object.values(machineFile.volumes as Record<string, { name: string }>)) v.name = `${o.prefix}-${v.name}`;
  for (const n of Object.values(networkFile.networks as Record<string, { name: string }>)) n.name = `${o.prefix}-${n.name}`;
  changes.push(`container, volume and network names prefixed ${o.prefix}- [both hosts on one engine]`);
  return { machineFile, networkFile, changes, gpuReservations, startIntervals };
}
