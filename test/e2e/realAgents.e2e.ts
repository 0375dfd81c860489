/**
 * The user's real agents (the 2025-07-26 fixture tree, read-only) under the group launcher, as a
 * deployed group container runs them: uid 10001, writable logs/data/cache/models only, a
 * nats-server and a redis-server that require credentials, the launcher's loopback relays; all
 * inside a network namespace of e2e/real-agents.sh's own (only loopback). Debian packages stand in
 * for the images' pip requirements (python3-zmq, -yaml, -redis, -psutil, -pydantic, -numpy) and
 * e2e/real-agents/nats for nats-py, which Debian lacks.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { REPO_ROOT, runScript } from "./engine";

const TREE = path.resolve(REPO_ROOT, "../shared/fixtures/voice-assistant-prod/2025-07-26-v3-tree");
// Names, modules and declared ports as the tree's config gives them (main_pc_code/config/startup_config.yaml:254-256,
// config/startup_config.v3.yaml:106-109 and 136-139); required: LearningAdjusterAgent only, so it alone gates.
const AGENTS = [
  { name: "LearningAdjusterAgent", module: "main_pc_code.FORMAINPC.LearningAdjusterAgent", required: true, port: 5643, healthCheckPort: 6643 },
  { name: "MemoryOrchestratorService", module: "pc2_code.agents.memory_orchestrator_service", port: 7140, healthCheckPort: 8140 },
  { name: "UnifiedMemoryReasoningAgent", module: "pc2_code.agents.unified_memory_reasoning_agent", port: 7105, healthCheckPort: 8105 },
];

describe("the user's real agents under the group launcher", function () {
  this.timeout(900_000);
  let status: any;

  before(async function () {
    await runScript(
      "host-packages.sh",
      ["python3-zmq", "python3-yaml", "python3-redis", "python3-psutil", "python3-pydantic", "python3-numpy", "nats-server", "redis-server", "iproute2", "util-linux"],
      600_000,
    );
    const { stdout } = await runScript("real-agents.sh", [TREE, JSON.stringify(AGENTS)], 300_000);
    status = JSON.parse(stdout);
  });

  it("finds each agent's real /health port by observation (5645, 7142, 7107), none of them the config's", () => {
    const seen = Object.fromEntries(
      (status.agents as any[]).map((a) => [a.name, [a.state, a.ports, a.healthPort, a.health.status, a.declaredPorts.httpHealthPort, a.gates]]),
    );
    assert.deepEqual(seen, {
      LearningAdjusterAgent: ["healthy", [5643, 5644, 5645], 5645, 200, 6644, true],
      MemoryOrchestratorService: ["healthy", [7140, 7141, 7142], 7142, 200, 8141, false],
      UnifiedMemoryReasoningAgent: ["healthy", [7105, 7106, 7107], 7107, 200, 8106, false],
    });
    assert.deepEqual([status.healthy, status.gating], [true, ["LearningAdjusterAgent"]]);
  });

  it("the credential-less code reached NATS and Redis only through the relays, and wrote to Redis", () => {
    assert.equal(status.relays.nats.failures, 0);
    assert.equal(status.relays.redis.failures, 0);
    assert.ok(status.relays.nats.connections >= 1, JSON.stringify(status.relays));
    assert.ok(status.relays.redis.connections >= 1, JSON.stringify(status.relays));
    assert.ok(status.redisKeys >= 1, `keys in Redis: ${status.redisKeys}`);
    console.log(`      relays: NATS ${status.relays.nats.connections} connection(s), Redis ${status.relays.redis.connections}; ${status.redisKeys} key(s) written by the agents`);
  });
});
