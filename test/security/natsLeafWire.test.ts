/**
 * The rendered NATS configurations on real nats-server (Debian's package): mainpc's hub and
 * pc2's leaf on loopback, each started by its rendered container command with its rendered
 * environment (test/support/renderedNats.ts says what is changed).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { connect, NatsConnection, JSONCodec } from "nats";
import { Machine } from "../../src/config/machine";
import { ERROR_BUS_SUBJECTS, natsInboxPrefix, renderNatsContainer, SecretName } from "../../src/render";
import { deriveSecret } from "../../src/render/derivedSecret";
import { makeLeafCertificates } from "../../src/tls/leafCertificates";
import { ensureDebianPackage, freePort, RunningServer } from "../support/debianServer";
import { startRenderedNats } from "../support/renderedNats";
import { sampleSettings } from "../support/samplePlan";

const GROUPS: Record<Machine, string[]> = { mainpc: ["core-platform", "memory-stack"], pc2: ["infra-core-cpu"] };
const PASSWORDS = { natsLeafPassword: "leaf-Secret-9012", natsPassword: "nats-Secret-5678", redisPassword: "redis-Secret-1234" };
const jc = JSONCodec();

describe("security/NATS accounts, permissions and the mutual-TLS leaf link on real nats-server", function () {
  this.timeout(120_000);
  let dir: string;
  let secrets: Record<SecretName, string>;
  const servers: Partial<Record<Machine, RunningServer>> = {};
  const ports: Record<Machine, number> = { mainpc: 0, pc2: 0 };
  let leafPort = 0;
  const clients: NatsConnection[] = [];

  const groupPassword = (machine: Machine, group: string) => deriveSecret(PASSWORDS.natsPassword, `nats-user:${machine}:${group}`);
  const dial = async (machine: Machine, group: string, options: { inbox?: boolean } = {}) => {
    const nc = await connect({
      servers: `127.0.0.1:${ports[machine]}`,
      user: group,
      pass: groupPassword(machine, group),
      inboxPrefix: options.inbox === false ? undefined : natsInboxPrefix(group),
      reconnect: false,
    });
    clients.push(nc);
    return nc;
  };

  function start(machine: Machine, monitorPort: number): RunningServer {
    const settings = sampleSettings({ machine, lanIps: { mainpc: "127.0.0.1", pc2: "127.0.0.2" } });
    return startRenderedNats(machine, renderNatsContainer(settings, GROUPS[machine]), path.join(dir, machine), { client: ports[machine], monitor: monitorPort, leaf: leafPort }, secrets);
  }

  before(async () => {
    ensureDebianPackage("nats-server", "nats-server");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-leaf-"));
    const certs = makeLeafCertificates(path.join(dir, "certs"), "127.0.0.1", 2);
    const read = (f: string) => fs.readFileSync(f, "utf8");
    const [hubCa, hubCert, hubKey] = [read(certs.ca), read(certs.mainpcCert), read(certs.mainpcKey)];
    ports.mainpc = await freePort();
    ports.pc2 = await freePort();
    leafPort = await freePort();
    secrets = { ...PASSWORDS, natsLeafCa: hubCa, natsLeafCert: hubCert, natsLeafKey: hubKey };
    servers.mainpc = start("mainpc", await freePort());
    await servers.mainpc.waitFor(/Server is ready/);
    secrets = { ...secrets, natsLeafCert: read(certs.pc2Cert), natsLeafKey: read(certs.pc2Key) };
    servers.pc2 = start("pc2", await freePort());
    await servers.pc2.waitFor(/Server is ready/);
    await servers.mainpc.waitFor(/Leafnode connection created/);
    await servers.pc2.waitFor(/Leafnode connection created/);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(Object.values(servers).map((s) => s?.stop()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Publishes until the subscription has the message (interest crosses the leaf link asynchronously). */
  async function delivered(from: NatsConnection, to: NatsConnection, subject: string): Promise<string> {
    const sub = to.subscribe(subject, { max: 1 });
    await to.flush();
    const got = (async () => {
      for await (const m of sub) return `${m.subject} ${typeof (jc.decode(m.data) as { n?: unknown }).n}`;
      return "closed";
    })();
    for (let i = 0; i < 200; i++) {
      from.publish(subject, jc.encode({ n: i }));
      const winner = await Promise.race([got, new Promise((r) => setTimeout(() => r("pending"), 100))]);
      if (winner !== "pending") return winner as string;
    }
    sub.unsubscribe();
    return "never";
  }

  it("carries errors from pc2 to mainpc and from mainpc to pc2", async () => {
    const hub = await dial("mainpc", "core-platform");
    const leaf = await dial("pc2", "infra-core-cpu");
    assert.strictEqual(await delivered(leaf, hub, "errors.system.critical"), "errors.system.critical number");
    assert.strictEqual(await delivered(hub, leaf, "errors.agents.ModelManagerSuite"), "errors.agents.ModelManagerSuite number");
  });

  it("carries errors between two groups of one host", async () => {
    const a = await dial("mainpc", "core-platform");
    const b = await dial("mainpc", "memory-stack");
    assert.strictEqual(await delivered(a, b, "errors.events"), "errors.events number");
  });

  it("lets a group run the error bus's JetStream calls in its own domain, with replies on its own inbox", async () => {
    const nc = await dial("pc2", "infra-core-cpu");
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: "ERRORS", subjects: [ERROR_BUS_SUBJECTS], max_msgs: 100_000 });
    const ack = await nc.jetstream().publish("errors.system", jc.encode({ from: "pc2" }));
    assert.deepStrictEqual([ack.stream, ack.domain], ["ERRORS", "pc2"]);
    const hub = await (await dial("mainpc", "core-platform")).jetstreamManager();
    await hub.streams.add({ name: "ERRORS", subjects: [ERROR_BUS_SUBJECTS] });
    assert.strictEqual((await hub.streams.info("ERRORS")).config.name, "ERRORS");
  });

  it("refuses pc2's agents the other host's JetStream ($JS.mainpc.API.STREAM.DELETE.ERRORS) and its own stream deletion", async () => {
    const hubJsm = await (await dial("mainpc", "core-platform")).jetstreamManager();
    await hubJsm.streams.add({ name: "ERRORS", subjects: [ERROR_BUS_SUBJECTS] }).catch(() => undefined);
    const leaf = await dial("pc2", "infra-core-cpu");
    await assert.rejects(leaf.request("$JS.mainpc.API.STREAM.DELETE.ERRORS", undefined, { timeout: 2000 }), /Permissions Violation for Publish to "\$JS\.mainpc\.API\.STREAM\.DELETE\.ERRORS"|TIMEOUT|503/);
    await assert.rejects(leaf.request("$JS.API.STREAM.DELETE.ERRORS", undefined, { timeout: 2000 }), /Permissions Violation|TIMEOUT|503/);
    assert.strictEqual((await hubJsm.streams.info("ERRORS")).config.name, "ERRORS", "mainpc's ERRORS stream is still there");
    await servers.pc2!.waitFor(/Publish Violation - User "infra-core-cpu", Subject "\$JS\.mainpc\.API\.STREAM\.DELETE\.ERRORS"/);
    await servers.pc2!.waitFor(/Publish Violation - User "infra-core-cpu", Subject "\$JS\.API\.STREAM\.DELETE\.ERRORS"/);
  });

  it("keeps one group out of another group's inbox and out of everything but errors.>", async () => {
    const intruder = await dial("mainpc", "memory-stack");
    for (const subject of [`${natsInboxPrefix("core-platform")}.>`, "_INBOX.>", ">", "$JS.API.>"]) {
      const sub = intruder.subscribe(subject);
      const drained = (async () => {
        for await (const m of sub) return `received ${m.subject}`;
        return "closed without error";
      })();
      await intruder.flush();
      const outcome = await drained.then((v) => v, (e: Error) => `rejected: ${e.message}`);
      assert.strictEqual(outcome, `rejected: 'Permissions Violation for Subscription to "${subject}"'`, subject);
    }
  });

  it("accepts no client without the group's password", async () => {
    await assert.rejects(connect({ servers: `127.0.0.1:${ports.mainpc}`, reconnect: false }), /AUTHORIZATION_VIOLATION|Authorization Violation/);
    await assert.rejects(
      connect({ servers: `127.0.0.1:${ports.pc2}`, user: "infra-core-cpu", pass: groupPassword("mainpc", "infra-core-cpu"), reconnect: false }),
      /AUTHORIZATION_VIOLATION|Authorization Violation/,
    );
  });

  it("refuses a leaf connection whose certificate the CA did not sign, and one without a certificate", async () => {
    const other = makeLeafCertificates(path.join(dir, "other-ca"), "127.0.0.1", 2);
    const attempt = (options: tls.ConnectionOptions) =>
      new Promise<string>((resolve) => {
        // The leaf port speaks INFO first in clear, then TLS: read INFO, then upgrade.
        const socket = require("net").connect(leafPort, "127.0.0.1");
        socket.once("data", () => {
          const secure = tls.connect({ socket, ...options, rejectUnauthorized: false });
          secure.once("secureConnect", () => secure.write("CONNECT {}\r\nPING\r\n"));
          secure.on("data", (d: Buffer) => resolve(d.toString().trim().split("\r\n")[0] ?? ""));
          secure.once("error", (e: Error) => resolve(`error: ${e.message}`));
          secure.once("close", () => resolve("closed"));
        });
        socket.once("error", (e: Error) => resolve(`error: ${e.message}`));
      });
    const foreign = await attempt({ cert: fs.readFileSync(other.pc2Cert), key: fs.readFileSync(other.pc2Key) });
    const none = await attempt({});
    for (const outcome of [foreign, none]) assert.ok(!outcome.startsWith("PONG") && !outcome.startsWith("+OK"), outcome);
    await servers.mainpc!.waitFor(/TLS leafnode handshake error/, 10_000, 2);
  });
});
