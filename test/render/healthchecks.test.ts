import * as assert from "assert";
import { execFile } from "child_process";
import * as http from "http";
import { AddressInfo } from "net";
import { agentHealthScript, renderAgentHealthcheck, renderNatsHealthcheck, renderRedisHealthcheck } from "../../src/render";
import { samplePlan, sampleSettings } from "../support/samplePlan";

const TIMINGS = { interval: "30s", timeout: "10s", startPeriod: "2m0s", startInterval: "5s", retries: 3 };

function serve(status: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.statusCode = req.url === "/health" ? status : 404;
    res.end("{}");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function runPython(script: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile("python3", ["-c", script], (error, stdout) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout: stdout.trim() });
    });
  });
}

describe("render/healthchecks", () => {
  it("checks every agent's HTTP /health port (healthCheckPort + 1) with canonical durations", () => {
    const plan = samplePlan();
    const spec = renderAgentHealthcheck(plan.containers[2], sampleSettings().healthcheck);
    assert.deepStrictEqual(spec, { tests: ["CMD", "python3", "-c", agentHealthScript([6573, 6647, 6710], 10)], ...TIMINGS });
    assert.strictEqual(
      agentHealthScript([6573, 6647], 10),
      [
        "import sys, urllib.request",
        "opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))",
        "failed = []",
        "for port in (6573, 6647,):",
        "    try:",
        '        opener.open("http://127.0.0.1:%d/health" % port, timeout=10).close()',
        "    except Exception as error:",
        '        failed.append("%d: %s" % (port, error))',
        'print("; ".join(failed) or "ok")',
        "sys.exit(1 if failed else 0)",
      ].join("\n"),
    );
  });

  it("NATS checks /healthz on the monitoring port; Redis looks for PONG", () => {
    const t = sampleSettings().healthcheck;
    assert.deepStrictEqual(renderNatsHealthcheck(t), { tests: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8222/healthz"], ...TIMINGS });
    assert.deepStrictEqual(renderRedisHealthcheck(t), { tests: ["CMD-SHELL", "redis-cli --user healthcheck ping | grep -q PONG"], ...TIMINGS });
  });

  describe("the agent health script, run by python3", function () {
    this.timeout(20_000);
    let servers: http.Server[] = [];
    before(async function () {
      // The agent image runs Python 3.11; without a local python3 this cannot be checked here.
      const available = await new Promise<boolean>((resolve) => execFile("python3", ["--version"], (e) => resolve(e === null)));
      if (!available) this.skip();
    });
    afterEach(() => {
      servers.forEach((s) => s.close());
      servers = [];
    });
    const portOf = (s: http.Server) => (s.address() as AddressInfo).port;

    it("passes only when every port answers 200", async () => {
      servers = [await serve(200), await serve(200)];
      const ok = await runPython(agentHealthScript(servers.map(portOf), 2));
      assert.deepStrictEqual(ok, { code: 0, stdout: "ok" });
    });

    it("fails when one agent answers 500 or does not listen, naming the port", async () => {
      servers = [await serve(200), await serve(500)];
      const bad = await runPython(agentHealthScript(servers.map(portOf), 2));
      assert.strictEqual(bad.code, 1);
      assert.strictEqual(bad.stdout, `${portOf(servers[1])}: HTTP Error 500: Internal Server Error`);
      const closed = await serve(200);
      const port = portOf(closed);
      await new Promise((r) => closed.close(r));
      const down = await runPython(agentHealthScript([portOf(servers[0]), port], 2));
      assert.strictEqual(down.code, 1);
      assert.match(down.stdout, new RegExp(`^${port}: <urlopen error \\[Errno 111\\] Connection refused>$`));
    });
  });
});
