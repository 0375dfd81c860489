/**
 * The end-to-end suite runs in a network namespace of its own (e2e/in-netns.sh, issue 11 item 6),
 * proven from inside: it is not the machine's namespace, it has no default route and no link but
 * loopback, the LAN-address bridge and the engine's bridges and veths, and nothing can get out:
 * neither this process, nor a container on the engine's host network (which is this namespace),
 * nor a container on a bridge network, whose packet dies at its gateway in this namespace.
 *
 * The address dialled is in TEST-NET-3 (203.0.113.0/24, RFC 5737: documentation only, never
 * routed), and only after the checks above have shown there is no route to it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { DockerCli, E2E_DIR, engineEnvironment, runProgram, runScript, stripWarnings } from "./engine";

const LABEL = "ai-system-e2e.test=netns-isolation";
const NETWORK = "netns-isolation-probe";
const IMAGE = "ai-system-e2e/agent-stub:local";
const UNROUTED = "203.0.113.1";
const PORT = 9;

async function ip(args: string[]): Promise<string> {
  const result = await runProgram("ip", args, { timeoutMs: 10_000 });
  if (result.code !== 0) throw new Error(`ip ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

function linkNames(output: string): string[] {
  return output
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(": ")[1].replace(/@.*/, ""));
}

/** The namespace's IPv4 counters (/proc/net/snmp "Ip:" lines: names, then values). */
function ipCounters(): Record<string, number> {
  const lines = fs.readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) => l.startsWith("Ip: "));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

function connectError(host: string, port: number): Promise<{ code: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 5_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve({ code: "CONNECTED", ms: Date.now() - started });
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve({ code: "TIMEOUT", ms: Date.now() - started });
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve({ code: error.code ?? error.message, ms: Date.now() - started }));
  });
}

describe("the suite's own network namespace (e2e/in-netns.sh)", function () {
  this.timeout(300_000);
  let docker: DockerCli;
  let startedEngine = false;
  // Set once the namespace is shown to have no route out; nothing is dialled before.
  let isolated = false;

  before(async function () {
    const status = await runProgram("bash", [path.join(E2E_DIR, "engine.sh"), "status"], { timeoutMs: 20_000 });
    startedEngine = status.code !== 0;
    await runScript("engine.sh", ["start"], 300_000);
    docker = new DockerCli((await engineEnvironment()).dockerHost);
    await runScript("images.sh", ["agent-stub"], 420_000);
    await docker.removeLabelled(LABEL);
    await docker.run(["network", "create", "--driver", "bridge", "--label", LABEL, NETWORK]);
  });

  after(async function () {
    if (docker) {
      const problems = await docker.removeLabelled(LABEL);
      if (problems.length > 0) console.log(`      cleanup problems: ${problems.join("; ")}`);
    }
    if (startedEngine && !process.env.E2E_KEEP_ENGINE) await runProgram("bash", [path.join(E2E_DIR, "engine.sh"), "stop"], { timeoutMs: 120_000 });
  });

  it("is not the machine's network namespace: the namespace's init is e2e/in-netns.sh, in it too", () => {
    const here = fs.readlinkSync("/proc/self/ns/net");
    const machine = process.env.AI_SYSTEM_E2E_HOST_NETNS;
    assert.match(here, /^net:\[\d+\]$/);
    assert.match(machine ?? "", /^net:\[\d+\]$/);
    assert.notEqual(here, machine);
    // A PID namespace of its own: PID 1 is the entry script, which ends everything when it exits.
    assert.equal(fs.readlinkSync("/proc/1/ns/net"), here);
    assert.match(fs.readFileSync("/proc/1/cmdline", "utf8").split("\0").join(" "), /e2e\/in-netns\.sh /);
    console.log(`      namespace ${here}; the machine's ${machine}`);
  });

  it("has no default route (IPv4, IPv6, any table) and no route to a public address", async () => {
    const routes = (await ip(["-4", "route", "show", "table", "all"])) + (await ip(["-6", "route", "show", "table", "all"]));
    assert.deepEqual(routes.split("\n").filter((l) => /^(unicast )?default/.test(l)), []);
    const get = await runProgram("ip", ["route", "get", UNROUTED], { timeoutMs: 10_000 });
    assert.deepEqual([get.code, get.stderr.trim()], [2, "RTNETLINK answers: Network is unreachable"]);
    isolated = true;
    console.log(`      routes:\n${routes.trim().replace(/^/gm, "        ")}`);
  });

  it("has no link but lo, the LAN-address bridge and the engine's bridges and veths, while a container runs", async () => {
    await docker.run(["run", "-d", "--label", LABEL, "--network", NETWORK, "--name", "netns-isolation-idle", IMAGE, "sleep", "300"]);
    const names = linkNames(await ip(["-o", "link", "show"]));
    assert.deepEqual(names.filter((n) => !(n === "lo" || n === "aie2e-lan" || /^br-[0-9a-f]{12}$/.test(n) || /^veth[0-9a-f]{7}$/.test(n))), []);
    assert.ok(names.includes("aie2e-lan") && names.some((n) => n.startsWith("br-")) && names.some((n) => n.startsWith("veth")), names.join(" "));
    console.log(`      links: ${names.join(" ")}`);
  });

  it("this process's connection to 203.0.113.1 fails at once: ENETUNREACH", async () => {
    assert.ok(isolated, "not dialled: the route check did not pass");
    const { code, ms } = await connectError(UNROUTED, PORT);
    assert.equal(code, "ENETUNREACH");
    assert.ok(ms < 1_000, `${ms} ms`);
  });

  it("a container on the engine's host network (this namespace) fails at once: Network is unreachable", async () => {
    assert.ok(isolated, "not dialled: the route check did not pass");
    const run = await docker.tryRun(["run", "--rm", "--label", LABEL, "--network", "host", IMAGE, "netcheck", "tcp", UNROUTED, String(PORT), "--timeout", "5"]);
    assert.deepEqual([run.code, stripWarnings(run.stderr)], [1, `netcheck: ${UNROUTED}:${PORT}: [Errno 101] Network is unreachable`]);
  });

  it("a container on a bridge network: its packets die at the gateway in this namespace (no route, forwarding off)", async () => {
    assert.ok(isolated, "not dialled: the route check did not pass");
    assert.equal(fs.readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim(), "0");
    const before = ipCounters();
    // The container has a default route to its gateway, so connect() sends a SYN; this namespace
    // finds no route and, forwarding off, drops it without an ICMP answer, counting it in
    // InAddrErrors (Linux net/ipv4/route.c: ip_route_input_slow sets -EHOSTUNREACH when
    // !IN_DEV_FORWARD, ip_error counts IPSTATS_MIB_INADDRERRORS and sends nothing). So: a timeout.
    const run = await docker.tryRun(["run", "--rm", "--label", LABEL, "--network", NETWORK, IMAGE, "netcheck", "tcp", UNROUTED, String(PORT), "--timeout", "2"]);
    const after = ipCounters();
    assert.deepEqual([run.code, stripWarnings(run.stderr)], [1, `netcheck: ${UNROUTED}:${PORT}: timed out`]);
    assert.ok(after.InAddrErrors - before.InAddrErrors >= 1, `InAddrErrors ${before.InAddrErrors} -> ${after.InAddrErrors}`);
    assert.equal(after.ForwDatagrams - before.ForwDatagrams, 0);
    console.log(`      dropped at the gateway: InAddrErrors +${after.InAddrErrors - before.InAddrErrors}, ForwDatagrams +0`);
  });
});
