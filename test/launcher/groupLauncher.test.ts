import * as assert from "assert";
import { launcherEnvironment } from "../../src/launcher/launcherContract";
import { fakeContainer } from "../requirements/fakeContainer";
import { removeConfigRoot, writeConfigRoot } from "../support/tempConfigRoot";
import { isAlive, LauncherRun } from "./launcherProcess";

/** Fake agents: modules of the package `fake`, run by the launcher as `python -m fake.<kind>`. */
const FAKE_AGENTS: Record<string, string> = {
  "fake/__init__.py": "",
  // Stops cleanly on SIGTERM; the handler is in place before it says it started.
  "fake/steady.py": `
import os, signal, sys, time
name = os.environ["AGENT_NAME"]
def stop(signum, frame):
    print(f"{name} got SIGTERM", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print(f"started {name} port={os.environ['AGENT_PORT']} health={os.environ['HEALTH_CHECK_PORT']} group={os.environ['GROUP_NAME']} foo={os.environ.get('FOO')}")
print(f"{name} writes to stderr", file=sys.stderr)
while True:
    time.sleep(0.05)
`,
  "fake/crash.py": `
import os, sys, time
print(f"started {os.environ['AGENT_NAME']}")
time.sleep(0.3)
print("crashing", file=sys.stderr)
sys.exit(3)
`,
  "fake/stubborn.py": `
import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print(f"started {os.environ['AGENT_NAME']}, ignoring SIGTERM")
while True:
    time.sleep(0.05)
`,
  // Counts its runs in a file: runs 1-4 crash at once, run 5 lives 1.2 s then crashes, later runs stay up.
  "fake/flaky.py": `
import os, pathlib, sys, time
counter = pathlib.Path("flaky.count")
run = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(run))
print(f"run {run}")
if run <= 4:
    sys.exit(3)
if run == 5:
    time.sleep(1.2)
    sys.exit(4)
while True:
    time.sleep(0.05)
`,
};

describe("group launcher", function () {
  this.timeout(20000);
  let dir = "";
  let run: LauncherRun | null = null;

  /** Starts the launcher on the agents (name -> module path), through the TypeScript contract. */
  const start = (agents: Record<string, string>, options: { optional?: string[]; env?: Record<string, string> } = {}): LauncherRun => {
    const container = fakeContainer("test-group", agents, { optional: options.optional ?? [] });
    // Port 0: a free status port, since tests run beside each other on one host.
    run = new LauncherRun(dir, { ...launcherEnvironment(container), FOO: "bar", LAUNCHER_STATUS_PORT: "0", ...options.env });
    return run;
  };

  beforeEach(() => {
    dir = writeConfigRoot(FAKE_AGENTS);
  });

  afterEach(() => {
    run?.killAll();
    run = null;
    removeConfigRoot(dir);
  });

  it("starts every agent with its port variables and the container's environment, prefixing every line", async () => {
    const r = start({ Alpha: "fake/steady.py", Beta: "fake/steady.py" });
    await r.waitFor("both agents' output", () => r.stdoutLines.length === 2 && r.stderrLines.filter((l) => l.endsWith("writes to stderr")).length === 2);
    assert.deepStrictEqual([...r.stdoutLines].sort(), [
      "[Alpha] started Alpha port=7000 health=8000 group=test-group foo=bar",
      "[Beta] started Beta port=7010 health=8010 group=test-group foo=bar",
    ]);
    assert.deepStrictEqual(r.stderrLines.filter((l) => !l.startsWith("[launcher]")).sort(), ["[Alpha] Alpha writes to stderr", "[Beta] Beta writes to stderr"]);
    assert.deepStrictEqual(r.launcherLines().slice(0, 2).map((l) => l.replace(/:\d+\//, ":N/")), ["status at http://127.0.0.1:N/status", "group test-group: starting 2 agent(s): Alpha, Beta"]);
    assert.deepStrictEqual(r.launcherLines().slice(2).map((l) => l.replace(/\d+$/, "N")), [
      "started Alpha (python -m fake.steady) as pid N",
      "started Beta (python -m fake.steady) as pid N",
    ]);
    assert.strictEqual(r.exit, null);
  });

  it("exits 1 when a required agent dies, after stopping the others", async () => {
    const r = start({ Other: "fake/steady.py", Req: "fake/crash.py" });
    const exit = await r.waitExit(4000);
    assert.deepStrictEqual(exit, { code: 1, signal: null });
    const lines = r.launcherLines();
    assert.match(lines.find((l) => l.startsWith("required agent"))!, /^required agent Req exited with code 3 after 0\.\d+s; stopping the group$/);
    assert.ok(lines.includes("Other stopped (code 0)"), r.output());
    assert.ok(r.stdoutLines.includes("[Other] Other got SIGTERM"), r.output());
    assert.ok(r.stderrLines.includes("[Req] crashing"), r.output());
    assert.deepStrictEqual(r.agentPids().filter(isAlive), []);
  });

  it("restarts an optional agent with doubling, capped back-off that resets after a long run, and keeps running", async () => {
    const r = start(
      { Flaky: "fake/flaky.py", Steady: "fake/steady.py" },
      { optional: ["Flaky"], env: { LAUNCHER_BACKOFF_INITIAL_SECONDS: "0.05", LAUNCHER_BACKOFF_MAX_SECONDS: "0.2", LAUNCHER_BACKOFF_RESET_SECONDS: "1" } },
    );
    await r.waitFor("the sixth run", () => r.stdoutLines.includes("[Flaky] run 6"), 6000);
    const restarts = r.launcherLines().filter((l) => l.startsWith("optional agent Flaky"));
    assert.deepStrictEqual(
      restarts.map((l) => l.replace(/after \d+\.\ds/, "after Ts")),
      [
        "optional agent Flaky exited with code 3 after Ts; restarting in 0.05s",
        "optional agent Flaky exited with code 3 after Ts; restarting in 0.1s",
        "optional agent Flaky exited with code 3 after Ts; restarting in 0.2s",
        "optional agent Flaky exited with code 3 after Ts; restarting in 0.2s",
        // run 5 lasted 1.2 s, longer than the 1 s reset: back to the initial delay
        "optional agent Flaky exited with code 4 after Ts; restarting in 0.05s",
      ],
    );
    assert.strictEqual(r.launcherLines().filter((l) => l.startsWith("started Flaky")).length, 6);
    assert.strictEqual(r.launcherLines().filter((l) => l.startsWith("started Steady")).length, 1);
    assert.strictEqual(r.exit, null);
  });

  it("forwards SIGTERM to every agent and exits 0 once they stopped, within the grace period", async () => {
    const r = start({ Alpha: "fake/steady.py", Beta: "fake/steady.py" }, { env: { LAUNCHER_GRACE_SECONDS: "3" } });
    await r.waitFor("both agents", () => r.stdoutLines.length === 2);
    const sent = Date.now();
    r.child.kill("SIGTERM");
    const exit = await r.waitExit(4000);
    const elapsed = Date.now() - sent;
    assert.deepStrictEqual(exit, { code: 0, signal: null });
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
    assert.deepStrictEqual(r.stdoutLines.filter((l) => l.includes("got SIGTERM")).sort(), ["[Alpha] Alpha got SIGTERM", "[Beta] Beta got SIGTERM"]);
    assert.deepStrictEqual(r.launcherLines().slice(-3), ["received SIGTERM; stopping 2 agent(s)", "Alpha stopped (code 0)", "Beta stopped (code 0)"]);
    assert.deepStrictEqual(r.agentPids().filter(isAlive), []);
  });

  it("SIGKILLs an agent that ignores SIGTERM once the grace period is over", async () => {
    const r = start({ Calm: "fake/steady.py", Stubborn: "fake/stubborn.py" }, { env: { LAUNCHER_GRACE_SECONDS: "0.5" } });
    await r.waitFor("both agents", () => r.stdoutLines.some((l) => l.includes("ignoring SIGTERM")) && r.stdoutLines.some((l) => l.startsWith("[Calm] started")));
    const sent = Date.now();
    r.child.kill("SIGTERM");
    const exit = await r.waitExit(4000);
    const elapsed = Date.now() - sent;
    assert.deepStrictEqual(exit, { code: 0, signal: null });
    assert.ok(elapsed >= 500 && elapsed < 2500, `took ${elapsed} ms`);
    assert.deepStrictEqual(r.launcherLines().slice(-4), [
      "received SIGTERM; stopping 2 agent(s)",
      "sending SIGKILL to Stubborn: it did not stop within 0.5s",
      "Calm stopped (code 0)",
      "Stubborn stopped (signal SIGKILL)",
    ]);
    assert.deepStrictEqual(r.agentPids().filter(isAlive), []);
  });

  it("kills at once on a second signal during the grace period", async () => {
    const r = start({ Stubborn: "fake/stubborn.py" }, { env: { LAUNCHER_GRACE_SECONDS: "30" } });
    await r.waitFor("the agent", () => r.stdoutLines.length === 1);
    r.child.kill("SIGTERM");
    await r.waitFor("the stop", () => r.launcherLines().includes("received SIGTERM; stopping 1 agent(s)"));
    r.child.kill("SIGINT");
    const exit = await r.waitExit(3000);
    assert.deepStrictEqual(exit, { code: 0, signal: null });
    assert.deepStrictEqual(r.launcherLines().slice(-2), ["sending SIGKILL to Stubborn: a second stop signal arrived", "Stubborn stopped (signal SIGKILL)"]);
  });

  it("exits 2 with a message naming the problem when its input is wrong", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ GROUP_NAME: "g" }, "error: GROUP_AGENTS_JSON is not set: it must hold the group's agents as a JSON array"],
      [{ GROUP_AGENTS_JSON: "[]" }, "error: GROUP_NAME is not set"],
      [{ GROUP_NAME: "g", GROUP_AGENTS_JSON: "[" }, "error: GROUP_AGENTS_JSON is not valid JSON: Expecting value: line 1 column 2 (char 1)"],
      [{ GROUP_NAME: "g", GROUP_AGENTS_JSON: "[]" }, "error: GROUP_AGENTS_JSON must be a non-empty JSON array of agents"],
      [
        { GROUP_NAME: "g", GROUP_AGENTS_JSON: '[{"name":"A","module":"a/b.py","port":1,"healthCheckPort":2}]' },
        'error: GROUP_AGENTS_JSON[0] (A): module must be a dotted Python module name, got "a/b.py"',
      ],
      [
        { GROUP_NAME: "g", GROUP_AGENTS_JSON: '[{"name":"A","module":"a","port":true,"healthCheckPort":2}]' },
        "error: GROUP_AGENTS_JSON[0] (A): port must be a port number (1-65535), got true",
      ],
      [
        { GROUP_NAME: "g", GROUP_AGENTS_JSON: '[{"name":"A","module":"a","required":"yes","port":1,"healthCheckPort":2}]' },
        'error: GROUP_AGENTS_JSON[0] (A): required must be true or false, got "yes"',
      ],
      [
        { GROUP_NAME: "g", GROUP_AGENTS_JSON: '[{"name":"A","module":"a","port":1,"healthCheckPort":2},{"name":"A","module":"b","port":3,"healthCheckPort":4}]' },
        "error: GROUP_AGENTS_JSON names an agent more than once: A",
      ],
      [
        { GROUP_NAME: "g", GROUP_AGENTS_JSON: '[{"name":"A","module":"a","port":1,"healthCheckPort":2}]', LAUNCHER_GRACE_SECONDS: "-1" },
        "error: LAUNCHER_GRACE_SECONDS must be more than 0 seconds, got '-1'",
      ],
    ];
    // All at once: each is one short Python start.
    const runs = cases.map(([env]) => new LauncherRun(dir, env));
    try {
      const exits = await Promise.all(runs.map((r) => r.waitExit(15000)));
      assert.deepStrictEqual(
        runs.map((r, i) => [exits[i]!.code, r.launcherLines()]),
        cases.map(([, message]) => [2, [message]]),
      );
    } finally {
      for (const r of runs) r.killAll();
    }
  });
});
