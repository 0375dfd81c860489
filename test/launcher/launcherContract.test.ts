import * as assert from "assert";
import { buildDeploymentPlan } from "../../src/plan/buildDeploymentPlan";
import { launcherEnvironment, scriptModule } from "../../src/launcher/launcherContract";
import { PROJECT_ROOT } from "../support/tempConfigRoot";
import { fakeContainer } from "../requirements/fakeContainer";

describe("launcher contract", () => {
  it("gives the container GROUP_NAME and GROUP_AGENTS_JSON, agents sorted by name", () => {
    const container = fakeContainer("audio", { TTSService: "main_pc_code/services/tts_service.py", STTService: "./main_pc_code/services/stt_service.py" }, { optional: ["TTSService"] });
    const env = launcherEnvironment(container);
    assert.deepStrictEqual(Object.keys(env), ["GROUP_AGENTS_JSON", "GROUP_NAME"]);
    assert.strictEqual(env["GROUP_NAME"], "audio");
    assert.strictEqual(
      env["GROUP_AGENTS_JSON"],
      '[{"name":"STTService","module":"main_pc_code.services.stt_service","required":true,"gates":true,"port":7010,"healthCheckPort":8010},' +
        '{"name":"TTSService","module":"main_pc_code.services.tts_service","required":false,"gates":false,"port":7000,"healthCheckPort":8000}]',
    );
  });

  it("turns script paths into module names and refuses paths python -m cannot run", () => {
    assert.strictEqual(scriptModule("main_pc_code/FORMAINPC/GOT_TOTAgent.py"), "main_pc_code.FORMAINPC.GOT_TOTAgent");
    assert.strictEqual(scriptModule("pc2_code\\agents\\ForPC2\\unified_utils_agent.py"), "pc2_code.agents.ForPC2.unified_utils_agent");
    assert.throws(() => scriptModule("agents/run.sh"), { message: "script_path agents/run.sh does not end in .py, so it cannot be run as python -m <module>" });
    assert.throws(() => scriptModule("my-agents/a.py"), {
      message: 'script_path my-agents/a.py cannot be run as python -m <module>: "my-agents" is not a Python identifier (it must be a relative path of identifiers)',
    });
    assert.throws(() => scriptModule("../a.py"), /"\.\." is not a Python identifier/);
  });

  it("covers every agent of the default config's containers", () => {
    const plan = buildDeploymentPlan({ configRoot: PROJECT_ROOT, machine: "mainpc", env: {}, override: "docker" });
    const core = plan.containers.find((c) => c.name === "core-platform")!;
    const agents = JSON.parse(launcherEnvironment(core)["GROUP_AGENTS_JSON"]!) as { name: string; module: string }[];
    assert.deepStrictEqual(agents.map((a) => a.name), ["ObservabilityHub", "PredictiveHealthMonitor", "RequestCoordinator", "ServiceRegistry", "SystemDigitalTwin"]);
    assert.deepStrictEqual(agents.find((a) => a.name === "ServiceRegistry"), {
      name: "ServiceRegistry",
      module: "main_pc_code.agents.service_registry_agent",
      required: true,
      gates: true,
      port: 7200,
      healthCheckPort: 8200,
    });
    for (const c of plan.containers) assert.strictEqual(JSON.parse(launcherEnvironment(c)["GROUP_AGENTS_JSON"]!).length, c.agents.length);
  });
});
