import { Machine } from "../config/machine";

export interface HealthcheckTimings {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  /** Failures during this period do not count (models load here). */
  readonly startPeriodSeconds: number;
  /** Probe interval during the start period (Docker 25+), so a healthy group is seen early. */
  readonly startIntervalSeconds: number;
}

/** The stack settings the renderers need, already validated (see src/program/stackSettings.ts). */
export interface DeploymentSettings {
  readonly machine: Machine;
  /** Both hosts' LAN addresses: published ports bind to this machine's, host entries use the other's. */
  readonly lanIps: Readonly<Record<Machine, string>>;
  readonly networkName: string;
  /** Path of the monorepo's `config/` directory on the Docker host, bound read-only at /app/config. */
  readonly hostConfigDir: string;
  readonly natsImage: string;
  readonly redisImage: string;
  readonly natsUser: string;
  readonly natsLeafUser: string;
  readonly redisMemoryMb: number;
  readonly portOffset: number;
  readonly waitTimeoutSeconds: number;
  readonly healthcheck: HealthcheckTimings;
  readonly logMaxSize: string;
  readonly logMaxFiles: number;
  /** Extra environment for the plan and every agent container (`KEY=value` settings). */
  readonly extraEnvironment: Readonly<Record<string, string>>;
}
