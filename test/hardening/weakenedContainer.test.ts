/**
 * The checks fail on deliberately weakened containers: each case takes the provider inputs a
 * container was really registered with, weakens one thing, and expects exactly that check to
 * fail with exactly that problem (every other check keeps its outcome).
 */
import * as assert from "assert";
import { DockerContainerInputs, evaluateContainer, viewFromDockerInputs, viewFromSpec } from "../../src/hardening";
import { deployMachine } from "../../src/program/deployMachine";
import { HardeningCheckId, renderRedisContainer } from "../../src/render";
import { mockPulumi, MockedRun } from "../support/pulumiMocks";
import { samplePlan, sampleSettings } from "../support/samplePlan";
import { testSecretOutputs } from "../support/fakeStackInputs";

const CONTAINER = "docker:index/container:Container";
const secrets = testSecretOutputs;

type Labels = { label: string; value: string }[];
const labelsOf = (inputs: DockerContainerInputs): Labels => (inputs.labels as Labels | undefined) ?? [];
const withoutLabel = (inputs: DockerContainerInputs, name: string): Labels => labelsOf(inputs).filter((l) => l.label !== name);
const mountsOf = (inputs: DockerContainerInputs): unknown[] => (inputs.mounts as unknown[] | undefined) ?? [];
const commandOf = (inputs: DockerContainerInputs): string[] => (inputs.command as string[] | undefined) ?? [];

interface Weakening {
  readonly name: string;
  readonly container: "mainpc-language" | "mainpc-redis" | "mainpc-nats";
  readonly weaken: (inputs: DockerContainerInputs) => DockerContainerInputs;
  readonly check: HardeningCheckId;
  readonly problem: string;
  /** Further checks the same weakening fails, in table order. */
  readonly also?: readonly (readonly [HardeningCheckId, string])[];
}

const WEAKENINGS: readonly Weakening[] = [
  { name: "runs as root", container: "mainpc-language", weaken: (i) => ({ ...i, user: "0:0" }), check: "4.1", problem: "runs as uid 0 (root)" },
  { name: "no user", container: "mainpc-language", weaken: (i) => ({ ...i, user: undefined }), check: "4.1", problem: "no user set: the image's default user applies, root for many images" },
  { name: "a user name", container: "mainpc-redis", weaken: (i) => ({ ...i, user: "redis" }), check: "4.1", problem: "user redis is a name: only a numeric uid proves the user is not root" },
  { name: "keeps Docker's capabilities", container: "mainpc-language", weaken: (i) => ({ ...i, capabilities: undefined }), check: "5.4", problem: "does not drop ALL capabilities, so Docker's default set applies" },
  { name: "adds a capability", container: "mainpc-language", weaken: (i) => ({ ...i, capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] } }), check: "5.4", problem: "adds SYS_ADMIN without a documented reason" },
  { name: "privileged", container: "mainpc-language", weaken: (i) => ({ ...i, privileged: true }), check: "5.5", problem: "runs privileged" },
  {
    name: "binds /etc",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, mounts: [...mountsOf(i), { type: "bind", source: "/etc", target: "/host-etc", readOnly: true }] }),
    check: "5.6",
    problem: "binds host /etc",
  },
  { name: "host devices", container: "mainpc-language", weaken: (i) => ({ ...i, devices: [{ hostPath: "/dev/mem" }] }), check: "5.6", problem: "passes host devices /dev/mem" },
  { name: "host network", container: "mainpc-language", weaken: (i) => ({ ...i, networkMode: "host" }), check: "5.10", problem: "shares the host network namespace (host)" },
  { name: "no memory limit", container: "mainpc-redis", weaken: (i) => ({ ...i, memory: undefined }), check: "5.11", problem: "no memory limit" },
  { name: "no CPU limit", container: "mainpc-nats", weaken: (i) => ({ ...i, cpus: undefined }), check: "5.12", problem: "no CPU limit" },
  { name: "writable root", container: "mainpc-redis", weaken: (i) => ({ ...i, readOnly: false }), check: "5.13", problem: "the root filesystem is writable" },
  {
    name: "publishes on every address",
    container: "mainpc-redis",
    weaken: (i) => ({ ...i, ports: [{ internal: 6379, external: 6379, ip: "0.0.0.0", protocol: "tcp" }] }),
    check: "5.14",
    problem: "publishes 6379 on every host address",
  },
  {
    name: "publishes without an address",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, ports: [{ internal: 4222, external: 4222, protocol: "tcp" }] }),
    check: "5.14",
    problem: "publishes 4222 on every host address",
  },
  {
    name: "restarts always, undocumented",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, restart: "always", labels: withoutLabel(i, "ai-system.hardening.exception.5.15") }),
    check: "5.15",
    problem: "restart always has no bound of at most 5 retries",
  },
  {
    name: "unbounded on-failure, undocumented",
    container: "mainpc-redis",
    weaken: (i) => ({ ...i, restart: "on-failure", maxRetryCount: 10, labels: withoutLabel(i, "ai-system.hardening.exception.5.15") }),
    check: "5.15",
    problem: "restart on-failure has no bound of at most 5 retries",
  },
  { name: "host PID", container: "mainpc-language", weaken: (i) => ({ ...i, pidMode: "host" }), check: "5.16", problem: "shares the host PID namespace (host)" },
  { name: "host IPC without MPS", container: "mainpc-language", weaken: (i) => ({ ...i, ipcMode: "host" }), check: "5.17", problem: "shares the host IPC namespace (host)" },
  { name: "another container's IPC", container: "mainpc-redis", weaken: (i) => ({ ...i, ipcMode: "container:ai-system-nats" }), check: "5.17", problem: "shares the host IPC namespace (container:ai-system-nats)" },
  { name: "host UTS", container: "mainpc-nats", weaken: (i) => ({ ...i, utsMode: "host" }), check: "5.21", problem: "shares the host UTS namespace (host)" },
  {
    name: "seccomp off",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, securityOpts: ["no-new-privileges:true", "seccomp=unconfined"] }),
    check: "5.22",
    problem: "security option seccomp=unconfined turns seccomp off",
  },
  { name: "new privileges allowed", container: "mainpc-language", weaken: (i) => ({ ...i, securityOpts: undefined }), check: "5.26", problem: "no-new-privileges is not set" },
  { name: "no process limit", container: "mainpc-nats", weaken: (i) => ({ ...i, ulimits: undefined }), check: "5.29", problem: "no pids limit and no nproc ulimit" },
  {
    name: "process limit undocumented",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, labels: withoutLabel(i, "ai-system.hardening.exception.5.29") }),
    check: "5.29",
    problem: "no pids cgroup limit, only RLIMIT_NPROC 16384 of its uid",
  },
  {
    name: "Docker socket",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, mounts: [...mountsOf(i), { type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock", readOnly: true }] }),
    check: "5.6",
    problem: "binds host /var/run/docker.sock",
    also: [["5.32", "mounts /var/run/docker.sock"]],
  },
  {
    name: "the host's /var/run written //var/run/",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, mounts: [...mountsOf(i), { type: "bind", source: "//var/./run/", target: "/host-run", readOnly: true }] }),
    check: "5.6",
    problem: "binds host //var/./run/",
  },
  { name: "logs not rotated", container: "mainpc-redis", weaken: (i) => ({ ...i, logOpts: undefined }), check: "log-rotation", problem: "json-file without max-size and max-file grows without bound" },
  {
    name: "the daemon's log driver",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, logDriver: undefined }),
    check: "log-rotation",
    problem: "the daemon's default log driver, which does not rotate unless daemon.json says so",
  },
  {
    name: "publishes an HTTP health port",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, ports: [{ internal: 6573, external: 6573, ip: "192.168.1.10", protocol: "tcp" }] }),
    check: "needed-ports",
    problem: "publishes internal port 6573",
  },
  {
    name: "NATS publishes monitoring",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, ports: [{ internal: 8222, external: 8222, ip: "192.168.1.10", protocol: "tcp" }] }),
    check: "needed-ports",
    problem: "publishes internal port 8222",
    also: [["nats-monitoring", "monitoring port 8222 is published"]],
  },
  {
    name: "Redis publishes another port",
    container: "mainpc-redis",
    weaken: (i) => ({ ...i, ports: [{ internal: 16379, external: 16379, ip: "192.168.1.10", protocol: "tcp" }] }),
    check: "needed-ports",
    problem: "publishes 16379, which no other host needs from redis",
  },
  {
    name: "no role label",
    container: "mainpc-language",
    weaken: (i) => ({ ...i, labels: withoutLabel(i, "ai-system.role") }),
    check: "needed-ports",
    problem: "no known role label (none), so neither its ports nor its service checks are known",
  },
  {
    name: "Redis with requirepass only",
    container: "mainpc-redis",
    weaken: (i) => ({ ...i, command: ["sh", "-c", 'exec docker-entrypoint.sh redis-server --requirepass "$REDIS_PASSWORD" --appendonly yes'] }),
    check: "redis-acl",
    problem: "the default user is not configured (--user default ...): it runs every command, with at most a requirepass password",
  },
  {
    name: "Redis allows everything",
    container: "mainpc-redis",
    weaken: (i) => ({ ...i, command: ["sh", "-c", commandOf(i)[2]?.replace(/ -@dangerous/g, "") ?? ""] }),
    check: "redis-acl",
    problem:
      "the core user may run ACL, BGREWRITEAOF, BGSAVE, CONFIG, DEBUG, FAILOVER, FLUSHALL, FLUSHDB, MIGRATE, MODULE, MONITOR, PSYNC, REPLICAOF, RESTORE, SAVE, SHUTDOWN, SLAVEOF, SWAPDB, SYNC",
  },
  {
    name: "Redis allows FLUSHALL back",
    container: "mainpc-redis",
    weaken: (i) => ({ ...i, command: ["sh", "-c", commandOf(i)[2]?.replace('+info"', '+info +flushall"') ?? ""] }),
    check: "redis-acl",
    problem: "the core user may run FLUSHALL",
  },
  {
    name: "Redis without a password",
    container: "mainpc-redis",
    weaken: (i) => ({ ...i, command: ["sh", "-c", commandOf(i)[2]?.replace(/ on #\$REDIS_PASSWORD_SHA256_[A-Z_]+/, " on nopass") ?? ""] }),
    check: "redis-acl",
    problem: "the core user has no password",
  },
  {
    name: "NATS without client authorization",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, command: commandOf(i).map((c) => c.replace(/, password: \$NATS_PASSWORD_[A-Z_]+/g, "")) }),
    check: "nats-auth",
    problem: "clients connect without a password (no user with a password from the environment)",
  },
  {
    name: "NATS users without permissions",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, command: commandOf(i).map((c) => c.replace(/, permissions: \{publish: \{allow: \[[^\]]*\]\}, subscribe: \{allow: \[[^\]]*\]\}\}/g, "")) }),
    check: "nats-auth",
    problem: "3 client users have no publish and subscribe allow-lists",
  },
  {
    name: "NATS leaf listener without client certificate verification",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, command: commandOf(i).map((c) => c.replace("    verify: true\n", "")) }),
    check: "nats-auth",
    problem: "the leaf-node listener does not verify the leaf's certificate",
  },
  {
    name: "NATS leaf link in clear",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, command: commandOf(i).map((c) => c.replace(/  tls \{[^}]*\}\n/, "")) }),
    check: "nats-auth",
    problem: "the leaf-node link is not TLS",
  },
  {
    name: "NATS leaf listener without authorization",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, command: commandOf(i).map((c) => c.replace("password: $NATS_LEAF_PASSWORD, ", "")) }),
    check: "nats-auth",
    problem: "the leaf-node listener accepts connections without a password",
  },
  {
    name: "NATS with no_auth_user",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, command: commandOf(i).map((c) => c.replace("jetstream {", "no_auth_user: agents\njetstream {")) }),
    check: "nats-auth",
    problem: "no_auth_user lets clients in without credentials",
  },
  {
    name: "NATS monitoring on every address",
    container: "mainpc-nats",
    weaken: (i) => ({ ...i, command: commandOf(i).map((c) => c.replace('http: "127.0.0.1:8222"', 'http: "0.0.0.0:8222"')) }),
    check: "nats-monitoring",
    problem: "monitoring listens on 0.0.0.0:8222, not on loopback",
  },
];

describe("hardening checks on deliberately weakened containers", function () {
  this.timeout(10_000);
  let run: MockedRun;
  const inputsOf = (name: string): DockerContainerInputs => {
    const found = run.registrations.find((r) => r.type === CONTAINER && r.name === name);
    assert.ok(found, name);
    return found.inputs;
  };

  before(async () => {
    run = await mockPulumi();
    deployMachine(sampleSettings(), samplePlan(), secrets());
    await run.settle();
  });

  it("finds no failure on the containers as registered", () => {
    for (const name of ["mainpc-language", "mainpc-redis", "mainpc-nats"]) {
      assert.deepStrictEqual(evaluateContainer(viewFromDockerInputs(inputsOf(name))).failures, [], name);
    }
  });

  for (const w of WEAKENINGS) {
    it(`${w.name}: ${w.check} fails, nothing else changes`, () => {
      const before = evaluateContainer(viewFromDockerInputs(inputsOf(w.container)));
      const after = evaluateContainer(viewFromDockerInputs(w.weaken(inputsOf(w.container))));
      const expected = [[w.check, w.problem], ...(w.also ?? []).map(([id, problem]) => [id, problem])];
      assert.deepStrictEqual(
        after.failures.map((f) => [f.id, f.outcome.detail]),
        expected,
      );
      const failed = new Set(expected.map(([id]) => id));
      const unchanged = (r: { id: string }) => !failed.has(r.id);
      assert.deepStrictEqual(after.results.filter(unchanged).map((r) => r.outcome.status), before.results.filter(unchanged).map((r) => r.outcome.status));
    });
  }

  it("a weakened spec fails the same way before anything is created", () => {
    const redis = renderRedisContainer(sampleSettings(), ["core"]);
    const weakened = { ...redis, readOnlyRootfs: false, noNewPrivileges: false, user: "0:0" };
    assert.deepStrictEqual(
      evaluateContainer(viewFromSpec(weakened)).failures.map((f) => [f.id, f.outcome.detail]),
      [
        ["4.1", "runs as uid 0 (root)"],
        ["5.13", "the root filesystem is writable"],
        ["5.26", "no-new-privileges is not set"],
      ],
    );
  });

  it("a bounded on-failure restart passes 5.15 without an exception", () => {
    const inputs = { ...inputsOf("mainpc-redis"), restart: "on-failure", maxRetryCount: 5, labels: withoutLabel(inputsOf("mainpc-redis"), "ai-system.hardening.exception.5.15") };
    const result = evaluateContainer(viewFromDockerInputs(inputs)).results.find((r) => r.id === "5.15");
    assert.deepStrictEqual(result?.outcome, { status: "pass", detail: "on-failure, at most 5 retries" });
  });
});
