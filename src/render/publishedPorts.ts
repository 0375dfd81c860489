import { otherMachine } from "../config/machine";
import { NetworkSettings } from "./deploymentSettings";
import { publishAddress, wildcardPublishException } from "./hostPlatform";
import { HardeningException, PortSpec } from "./spec";

/** Each port once, sorted, host port = container port, TCP, on the given host address. */
export function renderPublishedPorts(ports: readonly number[], ip: string): PortSpec[] {
  return [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ internal: port, external: port, ip, protocol: "tcp" }));
}

/**
 * How a container's published ports are bound on this host's platform (which ports: the
 * renderers). Linux: the LAN address. Docker Desktop: 0.0.0.0, with the 5.14 exception that names
 * the compensating firewall rule (see publishAddress).
 */
export function publishPorts(settings: NetworkSettings, ports: readonly number[]): { ports: PortSpec[]; exceptions: HardeningException[] } {
  const ip = publishAddress(settings.platform, settings.lanIps[settings.machine]);
  const rendered = renderPublishedPorts(ports, ip);
  const wildcard = rendered.length > 0 && ip !== settings.lanIps[settings.machine];
  return { ports: rendered, exceptions: wildcard ? [wildcardPublishException(settings.lanIps[otherMachine(settings.machine)])] : [] };
}
