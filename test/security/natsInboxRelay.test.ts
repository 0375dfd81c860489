/**
 * The launcher's NATS relay maps the inboxes of code that knows nothing of the group's inbox
 * prefix (the July-2025 code: no credentials, default `_INBOX.`) into the group's, on mainpc's
 * rendered NATS configuration on real nats-server, with the group's rendered environment. The
 * permissions stay as rendered: each group may subscribe to its own `_INBOX.<group>.>` only.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { connect, JSONCodec, NatsConnection } from "nats";
import { ERROR_BUS_SUBJECTS, natsInboxPrefix, renderSpecText, SecretName } from "../../src/render";
import { NatsWire } from "../e2e/natsWire";
import { LauncherRun } from "../launcher/launcherProcess";
import { ensureDebianPackage, freePort, RunningServer } from "../support/debianServer";
import { TEST_SECRETS } from "../support/fakeStackInputs";
import { renderedSpec } from "../support/renderedSpec";
import { startRenderedNats } from "../support/renderedNats";
import { samplePlan, sampleSettings } from "../support/samplePlan";

const jc = JSONCodec();

function getJson(port: number, urlPath: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: urlPath }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(JSON.parse(body) as Record<string, unknown>));
      })
      .on("error", reject);
  });
}

describe("security/the NATS relay puts credential-less code's inboxes into its group's prefix (real nats-server)", function () {
  this.timeout(120_000);
  let dir = "";
  let server: RunningServer | null = null;
  let launcher: LauncherRun | null = null;
  const clients: NatsConnection[] = [];
  const wires: NatsWire[] = [];
  const ports = { client: 0, monitor: 0, leaf: 0, relay: 0, status: 0 };
  /** The rendered environment of a group's container, secrets filled in. */
  let groupEnv: (group: string) => Record<string, string>;

  before(async () => {
    ensureDebianPackage("nats-server", "nats-server");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "nats-inbox-relay-"));
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    const secrets: Record<SecretName, string> = { ...TEST_SECRETS };
    const spec = renderedSpec(samplePlan(), sampleSettings({ lanIps: { mainpc: "127.0.0.1", pc2: "127.0.0.2" } }));
    groupEnv = (group) => {
      const container = spec.groups.find((g) => g.key === group);
      assert.ok(container, group);
      return Object.fromEntries(container.env.map((e) => [e.name, renderSpecText(e.value, (n) => secrets[n])]));
    };
    server = startRenderedNats("mainpc", spec.nats, path.join(dir, "nats"), ports, secrets);
    await server.waitFor(/Server is ready/);
    const core = groupEnv("core");
    assert.strictEqual(core.NATS_INBOX_PREFIX, "_INBOX.core");
    fs.mkdirSync(path.join(dir, "fake"));
    fs.writeFileSync(path.join(dir, "fake", "__init__.py"), "");
    fs.writeFileSync(path.join(dir, "fake", "idle.py"), "import time\nwhile True:\n    time.sleep(1)\n");
    launcher = new LauncherRun(dir, {
      GROUP_NAME: "core",
      GROUP_AGENTS_JSON: JSON.stringify([{ name: "Idle", module: "fake.idle", port: 7000, healthCheckPort: 7001 }]),
      LAUNCHER_STATUS_PORT: String(ports.status),
      LAUNCHER_NATS_RELAY_UPSTREAM: `127.0.0.1:${ports.client}`,
      LAUNCHER_NATS_RELAY_LISTEN: `127.0.0.1:${ports.relay}`,
      NATS_USER: core.NATS_USER!,
      NATS_PASSWORD: core.NATS_PASSWORD!,
      NATS_INBOX_PREFIX: core.NATS_INBOX_PREFIX!,
    });
    await launcher.waitFor("the NATS relay", () => launcher!.launcherLines().some((l) => l.startsWith("nats relay ")), 15_000);
  });

  after(async () => {
    for (const w of wires) w.close();
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    launcher?.killAll();
    await server?.stop();
    if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
  });

  const wire = async (options: { port: number; user?: string; pass?: string; inboxPrefix?: string; name: string }) => {
    const w = await NatsWire.connect({ host: "127.0.0.1", ...options });
    wires.push(w);
    return w;
  };

  it("a raw client without credentials does a JetStream request on _INBOX.* and gets the answer on the subject it asked for", async () => {
    const client = await wire({ port: ports.relay, name: "july-2025-raw" });
    const replies = client.subscribe("_INBOX.j13raw.*");
    client.publish("$JS.API.INFO", "", "_INBOX.j13raw.1");
    const reply = await replies.next(10_000);
    assert.strictEqual(reply.subject, "_INBOX.j13raw.1");
    assert.strictEqual((JSON.parse(reply.data.toString()) as { type: string }).type, "io.nats.jetstream.api.v1.account_info_response");
    // What the server holds is the group's inbox, not the client's.
    const connz = await getJson(ports.monitor, "/connz?subs=1&auth=1");
    const mine = (connz.connections as { name?: string; authorized_user?: string; subscriptions_list?: string[] }[]).filter((c) => c.name === "july-2025-raw");
    assert.deepStrictEqual(mine.map((c) => [c.authorized_user, c.subscriptions_list]), [["core", ["_INBOX.core.j13raw.*"]]]);
  });

  it("the real nats.js client with its default _INBOX. prefix creates and reads the error bus stream and publishes to it", async () => {
    const nc = await connect({ servers: `127.0.0.1:${ports.relay}`, reconnect: false, name: "july-2025-nats-js" });
    clients.push(nc);
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: "ERRORS", subjects: [ERROR_BUS_SUBJECTS], max_msgs: 1000 });
    assert.strictEqual((await jsm.streams.info("ERRORS")).config.name, "ERRORS");
    const ack = await nc.jetstream().publish("errors.system", jc.encode({ error: "boom", text: "_INBOX.not-a-subject" }));
    assert.deepStrictEqual([ack.stream, ack.seq >= 1, ack.domain], ["ERRORS", true, "mainpc"]);
  });

  it("without the relay, the same credentials and the default prefix are refused: the permissions were not widened", async () => {
    const core = groupEnv("core");
    const direct = await wire({ port: ports.client, user: core.NATS_USER, pass: core.NATS_PASSWORD, name: "direct-default-inbox" });
    direct.subscribe("_INBOX.j13direct.*");
    await assert.rejects(direct.flush(5_000), /Permissions Violation for Subscription to "_INBOX\.j13direct\.\*"/);
  });

  it("another group's user still cannot read this group's inbox", async () => {
    const other = groupEnv("language");
    for (const subject of [`${natsInboxPrefix("core")}.>`, "_INBOX.core.j13raw.*", "_INBOX.>"]) {
      const intruder = await wire({ port: ports.client, user: other.NATS_USER, pass: other.NATS_PASSWORD, inboxPrefix: other.NATS_INBOX_PREFIX, name: `intruder ${subject}` });
      intruder.subscribe(subject);
      await assert.rejects(intruder.flush(5_000), new RegExp(`Permissions Violation for Subscription to "${subject.replace(/[.*>$]/g, "\\$&")}"`), subject);
    }
    await server!.waitFor(/Subscription Violation - User "language", Subject "_INBOX\.core\.>"/);
  });
});
