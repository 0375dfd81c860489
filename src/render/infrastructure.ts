/** Endpoints of the per-host NATS and Redis, as agents on the host network see them. */
import { INFRASTRUCTURE_PORTS } from "../plan/infrastructurePorts";

export { INFRASTRUCTURE_PORTS };

/** Network aliases of the two infrastructure containers (the docker override's `redis://redis:6379/0`). */
export const NATS_ALIAS = "nats";
export const REDIS_ALIAS = "redis";

export const NATS_INTERNAL_URL = `nats://${NATS_ALIAS}:${INFRASTRUCTURE_PORTS.natsClient}`;
export const REDIS_DATABASE = 0;

/** The agent every BaseAgent registers with at start (DIGITAL_TWIN_HOST/PORT). */
export const DIGITAL_TWIN_AGENT = "SystemDigitalTwin";

/** The agent that answers service-discovery requests (SERVICE_REGISTRY_HOST/PORT). */
export const SERVICE_REGISTRY_AGENT = "ServiceRegistry";
