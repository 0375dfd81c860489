import { NAME_PREFIX } from "./names";
import { MountSpec, VolumeSpec } from "./spec";

/**
 * Named volumes of one machine. Agent volumes are shared by every group on the machine (the
 * legacy setup gave all agents one data and one models directory). Data, models, NATS and Redis
 * are retained by `pulumi destroy`; logs and cache are disposable.
 */
export const VOLUMES = {
  agentCache: { key: "agent-cache", name: `${NAME_PREFIX}-cache`, retainOnDelete: false },
  // Rewritten whole by the config init on every change (src/render/configDelivery.ts).
  agentConfig: { key: "agent-config", name: `${NAME_PREFIX}-config`, retainOnDelete: false },
  agentData: { key: "agent-data", name: `${NAME_PREFIX}-data`, retainOnDelete: true },
  agentLogs: { key: "agent-logs", name: `${NAME_PREFIX}-logs`, retainOnDelete: false },
  agentModels: { key: "agent-models", name: `${NAME_PREFIX}-models`, retainOnDelete: true },
  natsData: { key: "nats-data", name: `${NAME_PREFIX}-nats-data`, retainOnDelete: true },
  redisData: { key: "redis-data", name: `${NAME_PREFIX}-redis-data`, retainOnDelete: true },
} as const satisfies Record<string, VolumeSpec>;

/** Sorted by key. */
export const ALL_VOLUMES: readonly VolumeSpec[] = Object.values(VOLUMES).sort((a, b) => (a.key < b.key ? -1 : 1));

/** Where the agents read the monorepo's config/ directory. */
export const AGENT_CONFIG_DIR = "/app/config";

/**
 * The agent image's paths (`common/utils/path_manager.py`). /app/config is the config volume,
 * read-only: the config init filled it with the config files' content, so nothing depends on
 * where the operator's checkout lives.
 */
export function renderAgentMounts(): MountSpec[] {
  return [
    { type: "volume", volume: VOLUMES.agentCache.key, target: "/app/cache", readOnly: false },
    { type: "volume", volume: VOLUMES.agentConfig.key, target: AGENT_CONFIG_DIR, readOnly: true },
    { type: "volume", volume: VOLUMES.agentData.key, target: "/app/data", readOnly: false },
    { type: "volume", volume: VOLUMES.agentLogs.key, target: "/app/logs", readOnly: false },
    { type: "volume", volume: VOLUMES.agentModels.key, target: "/app/models", readOnly: false },
  ];
}
