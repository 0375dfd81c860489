import * as assert from "assert";
import { runStatusCommand } from "../../src/cli/statusCommand";
import { dockerOptions } from "../../src/status/dockerConnection";
import { ContainerStatus, everyGateHealthy, formatStatus, LauncherAgentStatus } from "../../src/status/launcherStatus";

const agent = (over: Partial<LauncherAgentStatus>): LauncherAgentStatus => ({
  name: "A",
  required: false,
  gates: true,
  pid: 10,
  state: "healthy",
  restarts: 0,
  lastExit: null,
  declaredPorts: { port: 5643, healthCheckPort: 5644, httpHealthPort: 5645 },
  ports: [5643, 5644, 5645],
  undeclaredPorts: [],
  declaredNotListening: [],
  clashes: [],
  healthPort: 5645,
  health: { port: 5645, status: 200, body: "{}", error: null },
  logs: [],
  ...over,
});

const group = (agents: LauncherAgentStatus[], over: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name: "ai-system-learning",
  role: "agent-group",
  state: "running",
  exitCode: null,
  health: "healthy",
  restarts: 0,
  launcher: { group: "learning", healthy: agents.every((a) => !a.gates || a.state === "healthy"), gating: agents.filter((a) => a.gates).map((a) => a.name), notHealthy: [], agents },
  ...over,
});

describe("status command", () => {
  it("connects to the stack's dockerHost: unix socket, tcp, ssh with user and port", () => {
    assert.deepStrictEqual(dockerOptions("unix:///var/run/docker.sock"), { socketPath: "/var/run/docker.sock" });
    assert.deepStrictEqual(dockerOptions("tcp://10.0.0.5:2376"), { protocol: "http", host: "10.0.0.5", port: 2376 });
    const ssh = dockerOptions("ssh://ops@pc2.lan:2222");
    assert.deepStrictEqual([ssh.protocol, ssh.host, ssh.port, ssh.username], ["ssh", "pc2.lan", 2222, "ops"]);
    assert.throws(() => dockerOptions("npipe:////./pipe/docker_engine"), /speaks unix:\/\/, tcp:\/\/ and ssh:\/\/ \(not npipe:\)/);
  });

  it("is healthy exactly when every group's launcher says so; prints failing agents' last log lines", () => {
    const crashing = agent({ name: "B", gates: false, state: "crash-looping", restarts: 4, ports: [], healthPort: null, health: null, logs: ["one", "boom"] });
    const ok = [group([agent({}), crashing])];
    assert.strictEqual(everyGateHealthy(ok), true);
    assert.deepStrictEqual(formatStatus("mainpc", ok), [
      "mainpc: every gating agent is healthy",
      "ai-system-learning  running (healthy)  restarts 0",
      "  A                                healthy       gates    restarts 0   observed 5643,5644,5645 declared 5643,5644,5645; /health on 5645: 200",
      "  B                                crash-looping optional restarts 4   observed - declared 5643,5644,5645; not looked at yet",
      "    | one",
      "    | boom",
    ]);
    const init = (exitCode: number): ContainerStatus => ({ name: "ai-system-config-init", role: "volume-init", state: "exited", exitCode, health: "unhealthy", restarts: 0, launcher: null });
    assert.deepStrictEqual(formatStatus("mainpc", [init(0), group([agent({})], { state: "restarting", exitCode: 137, health: null, launcher: { error: "container is restarting" } }), init(1)]), [
      "mainpc: NOT every gating agent is healthy",
      "ai-system-config-init  exited 0 (done)  restarts 0",
      "ai-system-learning  restarting 137  restarts 0",
      "  launcher: container is restarting",
      "ai-system-config-init  exited 1 (FAILED)  restarts 0",
    ]);
    assert.strictEqual(everyGateHealthy([group([agent({ state: "unhealthy" })])]), false);
    assert.strictEqual(everyGateHealthy([group([agent({})], { state: "restarting", launcher: { error: "container is restarting" } })]), false);
    assert.strictEqual(everyGateHealthy([]), false);
  });

  it("refuses wrong usage with exit 2", async () => {
    const result = await runStatusCommand(["--machine", "pc3"], {});
    assert.strictEqual(result.exitCode, 2);
  });
});
