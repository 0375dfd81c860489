import * as assert from "assert";
import { execFile } from "child_process";
import * as http from "http";
import * as net from "net";
import { removeConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";
import { LAUNCHER, LauncherRun } from "./launcherProcess";

/**
 * Agents that behave like the user's real ones (../shared/docs/agent-runtime-contract.md):
 * BaseAgent's HTTP /health on `port + 2` beside a ZMQ port that answers with a ZMQ greeting,
 * a script that takes any free port, one that crashes at start, one whose /health says 503.
 */
const AGENTS: Record<string, string> = {
  "fake/__init__.py": "",
  "fake/web.py": `
import http.server, os, socket, sys, threading
port = int(os.environ["AGENT_PORT"])
offset = int(sys.argv[1]) if len(sys.argv) > 1 else 2
status = int(os.environ.get("FAKE_STATUS", "200"))
zmq = socket.create_server(("0.0.0.0", port))
def greet():
    while True:
        c, _ = zmq.accept()
        c.sendall(b"\\xff\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01\\x7f")
        c.close()
threading.Thread(target=greet, daemon=True).start()
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(status if self.path == "/health" else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "%s", "agent": "%s"}' % (b"ok" if status == 200 else b"degraded", os.environ["AGENT_NAME"].encode()))
    def log_message(self, *args):
        pass
print(f"serving /health on {port + offset}", flush=True)
http.server.ThreadingHTTPServer(("0.0.0.0", port + offset), Health).serve_forever()
`,
  "fake/autoport.py": `
import http.server, os
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"fine")
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
print(f"picked {server.server_address[1]}", flush=True)
server.serve_forever()
`,
  "fake/crash.py": `
import sys
print("ImportError: No module named 'torch'", file=sys.stderr)
sys.exit(3)
`,
};

interface AgentStatus {
  name: string;
  state: string;
  gates: boolean;
  restarts: number;
  ports: number[];
  healthPort: number | null;
  health: { port: number; status: number | null; body: string; error: string | null } | null;
  undeclaredPorts: number[];
  declaredNotListening: number[];
  clashes: { port: number; agent: string; why: string }[];
  logs: string[];
}
interface StatusDocument {
  group: string;
  healthy: boolean;
  gating: string[];
  notHealthy: string[];
  agents: AgentStatus[];
}

/** A base port with `span` free ports after it (the fake agents bind port and port + 2). */
async function freePorts(span: number): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ok = await Promise.all(
      Array.from({ length: span }, (_, i) => new Promise<boolean>((resolve) => {
        const s = net.createServer().once("error", () => resolve(false));
        s.listen(base + i, "0.0.0.0", () => s.close(() => resolve(true)));
      })),
    );
    if (ok.every(Boolean)) return base;
  }
}

function getStatus(port: number): Promise<string> {
  return new Promise((resolve) => {
    http
      .get({ host: "127.0.0.1", port, path: "/status" }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      })
      .on("error", () => resolve(""));
  });
}

function ask(port: number, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile("python3", [LAUNCHER, ...args], { env: { ...process.env, LAUNCHER_STATUS_PORT: String(port) } }, (error, stdout) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout });
    });
  });
}

describe("group launcher: observation, status and healthcheck", function () {
  this.timeout(60_000);
  let dir = "";
  let run: LauncherRun | null = null;

  beforeEach(() => {
    dir = writeConfigRoot(AGENTS);
  });
  afterEach(() => {
    run?.killAll();
    run = null;
    removeConfigRoot(dir);
  });

  const launch = (agents: object[], env: Record<string, string> = {}): LauncherRun => {
    run = new LauncherRun(dir, {
      GROUP_NAME: "g",
      GROUP_AGENTS_JSON: JSON.stringify(agents),
      LAUNCHER_STATUS_PORT: "0",
      LAUNCHER_OBSERVE_SECONDS: "0.2",
      LAUNCHER_BACKOFF_INITIAL_SECONDS: "0.05",
      LAUNCHER_BACKOFF_MAX_SECONDS: "0.1",
      ...env,
    });
    return run;
  };
  const statusPort = async (r: LauncherRun): Promise<number> => {
    await r.waitFor("the status line", () => r.launcherLines().some((l) => l.startsWith("status at ")), 15_000);
    return Number(/:(\d+)\/status$/.exec(r.launcherLines().find((l) => l.startsWith("status at "))!)![1]);
  };
  const until = async (port: number, what: string, done: (d: StatusDocument) => boolean): Promise<StatusDocument> => {
    const deadline = Date.now() + 30_000;
    let last = "";
    // Polled over HTTP, not by starting `status --json` each time: a Python per poll loads the machine.
    while (Date.now() < deadline) {
      const stdout = await getStatus(port);
      last = stdout;
      if (stdout.trim() !== "" && done(JSON.parse(stdout) as StatusDocument)) return JSON.parse(stdout) as StatusDocument;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}; last status:\n${last}\n${run?.output()}`);
  };

  it("finds the real /health ports (port + 2, an auto-picked one), keeps optional crashes out of the verdict", async () => {
    const base = await freePorts(3);
    const r = launch([
      { name: "Learner", module: "fake.web", required: true, port: base, healthCheckPort: base + 1 },
      { name: "Picker", module: "fake.autoport", port: 5600, healthCheckPort: 5601 },
      { name: "Crasher", module: "fake.crash", port: 5610, healthCheckPort: 5611 },
    ]);
    const port = await statusPort(r);
    const doc = await until(port, "Learner and Picker healthy, Crasher crash-looping", (d) =>
      d.agents.every((a) => a.state === (a.name === "Crasher" ? "crash-looping" : "healthy")),
    );
    const picked = Number(/^\[Picker\] picked (\d+)$/.exec(r.stdoutLines.find((l) => l.startsWith("[Picker] picked "))!)![1]);
    assert.deepStrictEqual([doc.group, doc.healthy, doc.gating, doc.notHealthy], ["g", true, ["Learner"], []]);
    const [learner, picker, crasher] = ["Learner", "Picker", "Crasher"].map((n) => doc.agents.find((a) => a.name === n)!);
    assert.deepStrictEqual(
      [learner.ports, learner.healthPort, learner.health?.status, learner.health?.body, learner.undeclaredPorts, learner.declaredNotListening, learner.gates],
      [[base, base + 2], base + 2, 200, '{"status": "ok", "agent": "Learner"}', [], [base + 1], true],
    );
    assert.deepStrictEqual(
      [picker.ports, picker.healthPort, picker.health?.body, picker.undeclaredPorts, picker.declaredNotListening, picker.gates],
      [[picked], picked, "fine", [picked], [5600, 5601, 5602], false],
    );
    assert.ok(crasher.restarts >= 2, JSON.stringify(crasher));
    assert.strictEqual(crasher.logs.at(-1), "ImportError: No module named 'torch'");
    assert.deepStrictEqual(await ask(port, ["healthcheck"]), { code: 0, stdout: "healthy: Learner\n" });
    const text = await ask(port, ["status"]);
    assert.strictEqual(text.code, 0);
    assert.strictEqual(text.stdout.split("\n")[0], "group g: healthy (gating: Learner)");
    assert.match(text.stdout, /\n {2}Crasher +crash-looping optional restarts \d+ +ports - \(declared 5610,5611,5612\); .*\n {4}\| ImportError: No module named 'torch'\n/);
    assert.ok(r.launcherLines().includes(`Learner is healthy (/health on port ${base + 2}); listening on ${base}, ${base + 2}`), r.output());
  });

  it("is unhealthy while a gating agent's /health fails, naming it, and reports ports that clash with another agent's", async () => {
    const base = await freePorts(5);
    const r = launch(
      [
        { name: "Sick", module: "fake.web", gates: true, port: base, healthCheckPort: base + 1 },
        // Declares the port Sick really serves /health on.
        { name: "Other", module: "fake.autoport", port: base + 2, healthCheckPort: base + 4 },
      ],
      { FAKE_STATUS: "503", LAUNCHER_START_SECONDS: "1" },
    );
    const port = await statusPort(r);
    const doc = await until(port, "Sick unhealthy", (d) => d.agents[0]!.state === "unhealthy");
    const sick = doc.agents[0]!;
    assert.deepStrictEqual([doc.healthy, doc.notHealthy], [false, ["Sick unhealthy"]]);
    assert.deepStrictEqual([sick.healthPort, sick.health?.status, sick.health?.body], [base + 2, 503, '{"status": "degraded", "agent": "Sick"}']);
    assert.deepStrictEqual(sick.clashes, [{ port: base + 2, agent: "Other", why: "the config gives it to Other" }]);
    assert.deepStrictEqual(await ask(port, ["healthcheck"]), { code: 1, stdout: "not healthy: Sick unhealthy\n" });
    assert.strictEqual((await ask(port, ["status"])).code, 1);
  });

  it("healthcheck fails, saying why, when no launcher answers", async () => {
    const closed = await freePorts(1);
    const result = await ask(closed, ["healthcheck"]);
    assert.strictEqual(result.code, 1);
    assert.match(result.stdout, /^the launcher does not answer on its status port: URLError: <urlopen error \[Errno 111\] Connection refused>\n$/);
  });
});
