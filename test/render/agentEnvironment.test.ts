import { deriveSecret } from "../../src/render/derivedSecret";
import * as assert from "assert";
import { renderAgentEnvironment, renderSpecText, RenderError, EnvVar } from "../../src/render";
import { launcherEnvironment } from "../../src/launcher/launcherContract";
import { agent, samplePlan, sampleSettings } from "../support/samplePlan";

/** Renders secrets as <name> so the expected lists stay readable. */
const lines = (env: readonly EnvVar[]) => env.map((e) => `${e.name}=${renderSpecText(e.value, (n) => `<${n}>`)}`);

const COMMON = [
  "BIND_ADDRESS=0.0.0.0",
  "CONFIG_OVERRIDE=docker",
  "CONTAINER_MODE=true",
  "DEBUG_MODE=false",
  // where SystemDigitalTwin runs: BaseAgent registers there at start
  "DIGITAL_TWIN_HOST=mainpc-systemdigitaltwin",
  "DIGITAL_TWIN_PORT=7220",
  "DOCKER_CONTAINER=true",
  "DOCKER_NETWORK=ai_system_network",
];

describe("render/agentEnvironment", () => {
  it("gives a group exactly the variables the agents read, sorted by name", () => {
    const plan = samplePlan();
    const language = plan.containers[2];
    assert.deepStrictEqual(lines(renderAgentEnvironment(plan, language, sampleSettings())), [
      "AGENT_NAMES=GoTToTAgent,NLUAgent,VRAMOptimizerAgent",
      ...COMMON,
      "GO_T_TO_T_AGENT_HEALTH_PORT=6646",
      "GO_T_TO_T_AGENT_PORT=5646",
      // the group launcher's input (launcher/README.md): its agents sorted by name, scripts as modules
      'GROUP_AGENTS_JSON=[{"name":"GoTToTAgent","module":"agents.GoTToTAgent","required":true,"gates":true,"port":5646,"healthCheckPort":6646},' +
        '{"name":"NLUAgent","module":"agents.NLUAgent","required":true,"gates":true,"port":5709,"healthCheckPort":6709},' +
        '{"name":"VRAMOptimizerAgent","module":"agents.VRAMOptimizerAgent","required":true,"gates":true,"port":5572,"healthCheckPort":6572}]',
      "GROUP_NAME=language",
      "HF_HOME=/app/models/hf",
      // the launcher's loopback relays for code that dials localhost:4222 and localhost:6379 without credentials
      "LAUNCHER_NATS_RELAY_UPSTREAM=nats:4222",
      "LAUNCHER_REDIS_RELAY_UPSTREAM=redis:6379",
      "LOG_LEVEL=INFO",
      "MACHINE_TYPE=mainpc",
      "MAINPC_IP=192.168.1.10",
      "MAIN_PC_IP=192.168.1.10",
      // GoTToTAgent's cross-machine dependency on pc2
      // the name the code reads (memory_orchestrator_service.py:54) beside the name rule's
      "MEMORY_ORCHESTRATOR_PORT=7140",
      "MEMORY_ORCHESTRATOR_SERVICE_HEALTH_PORT=8140",
      "MEMORY_ORCHESTRATOR_SERVICE_PORT=7140",
      "MODEL_MANAGER_SUITE_HEALTH_PORT=8211",
      "MODEL_MANAGER_SUITE_PORT=7211",
      "NATS_INBOX_PREFIX=_INBOX.language",
      `NATS_PASSWORD=${deriveSecret("<natsPassword>", "nats-user:mainpc:language")}`,
      // the credentials inside the URLs: the code passes none of its own
      `NATS_SERVERS=nats://language:${deriveSecret("<natsPassword>", "nats-user:mainpc:language")}@nats:4222`,
      `NATS_URL=nats://language:${deriveSecret("<natsPassword>", "nats-user:mainpc:language")}@nats:4222`,
      "NATS_USER=language",
      "NLU_AGENT_HEALTH_PORT=6709",
      "NLU_AGENT_PORT=5709",
      "PC2_IP=192.168.1.20",
      "PORT_OFFSET=0",
      // the program's /app wins over global_settings.environment's /somewhere-else
      "PYTHONPATH=/app",
      // REDIS_HOST/PORT readers send no password: they reach Redis through the launcher's relay
      "REDIS_HOST=127.0.0.1",
      `REDIS_PASSWORD=${deriveSecret("<redisPassword>", "redis-user:mainpc:language")}`,
      "REDIS_PORT=6379",
      `REDIS_URL=redis://language:${deriveSecret("<redisPassword>", "redis-user:mainpc:language")}@redis:6379/0`,
      "REDIS_USERNAME=language",
      "SERVICE_REGISTRY_HOST=mainpc-serviceregistry",
      "SERVICE_REGISTRY_PORT=7200",
      "SYSTEM_DIGITAL_TWIN_HEALTH_PORT=8220",
      "SYSTEM_DIGITAL_TWIN_PORT=7220",
      "VRAM_OPTIMIZER_AGENT_HEALTH_PORT=6572",
      "VRAM_OPTIMIZER_AGENT_PORT=5572",
    ]);
  });

  it("passes the launcher exactly launcherEnvironment(container), which no config value can override", () => {
    const plan = samplePlan();
    const core = plan.containers[0];
    const settings = sampleSettings({ extraEnvironment: { GROUP_AGENTS_JSON: "[]", GROUP_NAME: "other" } });
    const env = renderAgentEnvironment({ ...plan, config: { ...plan.config, globalEnvironment: { GROUP_AGENTS_JSON: "[]" } } }, core, settings);
    const launcher = Object.fromEntries(env.filter((e) => e.name.startsWith("GROUP_")).map((e) => [e.name, e.value]));
    assert.deepStrictEqual(launcher, launcherEnvironment(core));
    assert.deepStrictEqual(JSON.parse(String(launcher.GROUP_AGENTS_JSON)).map((a: { name: string; required: boolean }) => [a.name, a.required]), [
      ["ObservabilityHub", true],
      ["ServiceRegistry", true],
      ["SystemDigitalTwin", true],
    ]);
  });

  it("refuses a script path the launcher could not run as python -m <module>", () => {
    const plan = samplePlan();
    const core = plan.containers[0];
    const broken = { ...core, agents: [{ ...core.agents[0], scriptPath: "agents/my-agent.py" }, ...core.agents.slice(1)] };
    assert.throws(
      () => renderAgentEnvironment(plan, broken, sampleSettings()),
      (e: unknown) =>
        e instanceof RenderError &&
        e.message === 'container core: script_path agents/my-agent.py cannot be run as python -m <module>: "my-agent" is not a Python identifier (it must be a relative path of identifiers)',
    );
  });

  it("marks exactly the passwords and the URLs that hold them as secret", () => {
    const plan = samplePlan();
    const env = renderAgentEnvironment(plan, plan.containers[0], sampleSettings());
    const secret = env.filter((e) => typeof e.value !== "string").map((e) => e.name);
    assert.deepStrictEqual(secret, ["NATS_PASSWORD", "NATS_SERVERS", "NATS_URL", "REDIS_PASSWORD", "REDIS_URL"]);
  });

  it("lets the stack's extra environment override global_settings, but never the program's own values", () => {
    const plan = samplePlan();
    const settings = sampleSettings({ extraEnvironment: { LOG_LEVEL: "DEBUG", MACHINE_TYPE: "pc2" }, portOffset: 100 });
    const env = lines(renderAgentEnvironment(plan, plan.containers[0], settings));
    assert.ok(env.includes("LOG_LEVEL=DEBUG"));
    assert.ok(env.includes("MACHINE_TYPE=mainpc"));
    assert.ok(env.includes("PORT_OFFSET=100"));
    assert.ok(!env.includes("LOG_LEVEL=INFO"));
  });

  it("points SERVICE_REGISTRY_* at the peer's registry when this machine has none", () => {
    const plan = samplePlan();
    const withoutRegistry = {
      ...plan,
      agents: plan.agents.filter((a) => a.name !== "ServiceRegistry"),
      peerAgents: [...plan.peerAgents, agent("pc2", "ServiceRegistry", 7300, 8300)],
    };
    const env = lines(renderAgentEnvironment(withoutRegistry, plan.containers[1], sampleSettings()));
    assert.deepStrictEqual(
      env.filter((l) => l.startsWith("SERVICE_REGISTRY_")),
      ["SERVICE_REGISTRY_HOST=pc2-serviceregistry", "SERVICE_REGISTRY_PORT=7300"],
    );
    const none = { ...withoutRegistry, peerAgents: plan.peerAgents };
    assert.deepStrictEqual(lines(renderAgentEnvironment(none, plan.containers[1], sampleSettings())).filter((l) => l.startsWith("SERVICE_REGISTRY_")), []);
  });

  it("refuses two agents whose port variables would collide", () => {
    const plan = samplePlan();
    const clash = { ...plan.containers[0], agents: [agent("mainpc", "NLUAgent", 1, 2), agent("mainpc", "NluAgent", 3, 4)] };
    assert.throws(
      () => renderAgentEnvironment(plan, clash, sampleSettings()),
      (e: unknown) =>
        e instanceof RenderError &&
        e.message === "agents NLUAgent and NluAgent both map to the environment variable NLU_AGENT_PORT (container core); rename one of them",
    );
  });
});
