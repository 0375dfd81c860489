import * as assert from "assert";
import { renderAgentHealthcheck, renderNatsHealthcheck, renderRedisHealthcheck } from "../../src/render";
import { sampleSettings } from "../support/samplePlan";

const TIMINGS = { interval: "30s", timeout: "10s", startPeriod: "2m0s", startInterval: "5s", retries: 3 };

describe("render/healthchecks", () => {
  it("asks the group launcher, installed where both Dockerfiles put it, with canonical durations", () => {
    // What the launcher's verdict means is tested on the launcher itself (test/launcher/).
    assert.deepStrictEqual(renderAgentHealthcheck(sampleSettings().healthcheck), {
      tests: ["CMD", "python3", "/opt/ai-launcher/group_launcher.py", "healthcheck"],
      ...TIMINGS,
    });
  });

  it("NATS checks /healthz on the monitoring port; Redis looks for PONG", () => {
    const t = sampleSettings().healthcheck;
    assert.deepStrictEqual(renderNatsHealthcheck(t), { tests: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8222/healthz"], ...TIMINGS });
    assert.deepStrictEqual(renderRedisHealthcheck(t), { tests: ["CMD-SHELL", "redis-cli --user healthcheck ping | grep -q PONG"], ...TIMINGS });
  });
});
