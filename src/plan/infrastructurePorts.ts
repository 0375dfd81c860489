/**
 * Ports of the per-host infrastructure. The published ones share the host's port space with
 * the agents' published ports, so the plan checks agents against them (`host-port-clash`).
 */
export const INFRASTRUCTURE_PORTS = {
  /** NATS clients (agents of the other host connect here). */
  natsClient: 4222,
  /** NATS leaf-node connections between the hosts. */
  natsLeafnode: 7422,
  /** NATS HTTP monitoring (`/healthz`); internal only. */
  natsMonitoring: 8222,
  redis: 6379,
} as const;

export const PUBLISHED_INFRASTRUCTURE_PORTS: readonly { readonly port: number; readonly owner: string }[] = [
  { port: INFRASTRUCTURE_PORTS.natsClient, owner: "NATS client port" },
  { port: INFRASTRUCTURE_PORTS.natsLeafnode, owner: "NATS leaf-node port" },
  { port: INFRASTRUCTURE_PORTS.redis, owner: "Redis" },
];
