/**
 * NATS on each host, joined across hosts by a leaf-node connection.
 *
 * Topology: each host runs a standalone JetStream server in its own JetStream `domain`
 * (`mainpc`, `pc2`); mainpc listens for leaf-node connections and pc2 dials it as a leaf node
 * with its own credentials. Why not a two-node JetStream cluster: its meta group needs a
 * quorum of 2/2 + 1 = 2 servers, so stopping either host stops JetStream on the other too
 * (docs.nats.io/jetstream/clustering "The Quorum"; nats-server issue 4876).
 * With domains, each JetStream is independent and keeps working while the other host is down;
 * the leaf link carries only `errors.>` (see renderNatsConfig), so no JetStream API of one host
 * is reachable from the other, and an error published on either host
 * reaches core subscribers on both and is stored by the ERRORS stream of each domain while the
 * link is up (messages published during an outage are not replayed to the other host).
 * Source: docs.nats.io "JetStream on Leaf Nodes"
 * (running-a-nats-service/configuration/leafnodes/jetstream_leafnodes).
 */
import { Machine, NATS_HUB } from "../config/machine";
import { NatsSettings } from "./deploymentSettings";
import { publishPorts } from "./publishedPorts";
import { DROP_ALL_CAPABILITIES, NATS_PROCESS_LIMIT, processLimitException, renderLog, renderTmpfs, RESTART_EXCEPTION, sortExceptions } from "./hardening";
import { renderNatsHealthcheck } from "./healthchecks";
import { INFRASTRUCTURE_PORTS, NATS_ALIAS } from "./infrastructure";
import { NATS_CONTAINER_NAME, NATS_KEY, NATS_STARTUP_CONFIG_FILE, NATS_STORE_INIT_KEY } from "./names";
import { ordinal } from "../config/ordinal";
import { ERROR_BUS_SUBJECTS, LEAF_ERROR_SUBJECTS, NATS_AGENT_ACCOUNT, NATS_LEAF_ACCOUNT, natsGroupPassword, natsGroupPasswordVariable } from "./groupIdentity";
import { groupPermissions, renderPermissions } from "./natsPermissions";
import { ContainerSpec, EnvVar, SpecText } from "./spec";
import { encodeSecret } from "./specText";
import { VOLUMES } from "./volumes";

export type LeafRole = "hub" | "leaf";

/** mainpc is the hub: it runs the most agents and is the machine pc2 already depends on. */
export function natsLeafRole(machine: Machine): LeafRole {
  return machine === NATS_HUB ? "hub" : "leaf";
}

/** Where the JetStream file store lives inside the container (the NATS data volume). */
export const NATS_STORE_DIR = "/data";

/** Where the command writes the leaf link's TLS files (the /tmp tmpfs) before the server reads them. */
export const NATS_LEAF_TLS_FILES = { ca: "/tmp/leaf-ca.pem", cert: "/tmp/leaf-cert.pem", key: "/tmp/leaf-key.pem" } as const;

/** Environment variables of the NATS container holding the leaf TLS material (base64 of the PEM). */
export const NATS_LEAF_TLS_VARIABLES = { ca: "NATS_LEAF_TLS_CA", cert: "NATS_LEAF_TLS_CERT", key: "NATS_LEAF_TLS_KEY" } as const;

const LEAF_TLS_BLOCK = (verifyClients: boolean): string[] => [
  "  tls {",
  `    ca_file: "${NATS_LEAF_TLS_FILES.ca}"`,
  `    cert_file: "${NATS_LEAF_TLS_FILES.cert}"`,
  `    key_file: "${NATS_LEAF_TLS_FILES.key}"`,
  ...(verifyClients ? ["    verify: true"] : []),
  "    timeout: 5",
  "  }",
];

/**
 * The server configuration. It holds no secret: `$NATS_*` are read from the container
 * environment when the server starts. Monitoring (no authentication) listens on loopback only:
 * the healthcheck and `docker exec ... wget` reach it, nothing on the network does.
 *
 * Every client is a user of the AGENTS account (one per container group, permissions from
 * natsPermissions.ts); there is no other client user and no `no_auth_user`. The leaf link is
 * bound on both sides to the LEAF account, which has no users and no JetStream and holds only
 * what AGENTS exports to it: `errors.>`, renamed `leaf.errors.>` so the two imports form no cycle
 * (nats-server refuses an import cycle; leaf-node users take no permissions, server/opts.go
 * parseLeafUsers). So only errors cross, and no JetStream API (`$JS.<domain>.API.>`) of one host
 * is reachable from the other. The link is mutual TLS: the hub requires and verifies the leaf's
 * certificate, the leaf verifies the hub's against the same CA.
 */
export function renderNatsConfig(machine: Machine, groups: readonly string[]): string {
  const ports = INFRASTRUCTURE_PORTS;
  const users = [...groups].sort(ordinal).map(
    (g) => `      {user: ${JSON.stringify(g)}, password: $${natsGroupPasswordVariable(g)}, permissions: ${renderPermissions(groupPermissions(g))}}`,
  );
  const leafnodes =
    natsLeafRole(machine) === "hub"
      ? [
          "leafnodes {",
          `  listen: "0.0.0.0:${ports.natsLeafnode}"`,
          ...LEAF_TLS_BLOCK(true),
          "  authorization {",
          "    users: [",
          `      {user: $NATS_LEAF_USER, password: $NATS_LEAF_PASSWORD, account: ${NATS_LEAF_ACCOUNT}}`,
          "    ]",
          "  }",
          "}",
        ]
      : [
          "leafnodes {",
          "  remotes: [",
          "    {",
          "      url: $NATS_LEAF_URL",
          `      account: ${NATS_LEAF_ACCOUNT}`,
          ...LEAF_TLS_BLOCK(false).map((l) => `    ${l}`),
          "    }",
          "  ]",
          "}",
        ];
  return [
    "# Generated by the ai-system Pulumi program; credentials come from the environment.",
    `server_name: "${machine}"`,
    `listen: "0.0.0.0:${ports.natsClient}"`,
    `http: "127.0.0.1:${ports.natsMonitoring}"`,
    "",
    "jetstream {",
    `  store_dir: "${NATS_STORE_DIR}"`,
    `  domain: "${machine}"`,
    "}",
    "",
    "accounts {",
    `  ${NATS_AGENT_ACCOUNT}: {`,
    "    jetstream: enabled",
    "    users: [",
    ...users,
    "    ]",
    `    exports: [{stream: "${ERROR_BUS_SUBJECTS}", accounts: [${NATS_LEAF_ACCOUNT}]}]`,
    `    imports: [{stream: {account: ${NATS_LEAF_ACCOUNT}, subject: "${LEAF_ERROR_SUBJECTS}"}, to: "${ERROR_BUS_SUBJECTS}"}]`,
    "  }",
    `  ${NATS_LEAF_ACCOUNT}: {`,
    `    exports: [{stream: "${LEAF_ERROR_SUBJECTS}", accounts: [${NATS_AGENT_ACCOUNT}]}]`,
    `    imports: [{stream: {account: ${NATS_AGENT_ACCOUNT}, subject: "${ERROR_BUS_SUBJECTS}"}, to: "${LEAF_ERROR_SUBJECTS}"}]`,
    "  }",
    "}",
    "",
    ...leafnodes,
    "",
  ].join("\n");
}

/** The leaf's remote URL with its credentials, quoted for the NATS config parser. */
export function natsLeafRemoteUrl(settings: NatsSettings): SpecText {
  const hub = `${settings.lanIps[NATS_HUB]}:${INFRASTRUCTURE_PORTS.natsLeafnode}`;
  return { parts: [`"nats-leaf://${settings.natsLeafUser}:`, { secret: "natsLeafPassword", encoding: "url" }, `@${hub}"`] };
}

export function renderNatsEnvironment(settings: NatsSettings, groups: readonly string[]): EnvVar[] {
  const users: EnvVar[] = groups.map((g) => ({
    name: natsGroupPasswordVariable(g),
    value: { parts: [natsGroupPassword(settings.machine, g, "natsString")] },
  }));
  const tls: EnvVar[] = [
    { name: NATS_LEAF_TLS_VARIABLES.ca, value: { parts: [{ secret: "natsLeafCa", encoding: "base64" }] } },
    { name: NATS_LEAF_TLS_VARIABLES.cert, value: { parts: [{ secret: "natsLeafCert", encoding: "base64" }] } },
    { name: NATS_LEAF_TLS_VARIABLES.key, value: { parts: [{ secret: "natsLeafKey", encoding: "base64" }] } },
  ];
  const leaf: EnvVar[] =
    natsLeafRole(settings.machine) === "hub"
      ? [
          { name: "NATS_LEAF_PASSWORD", value: { parts: [{ secret: "natsLeafPassword", encoding: "natsString" }] } },
          { name: "NATS_LEAF_USER", value: encodeSecret(settings.natsLeafUser, "natsString") },
        ]
      : [{ name: "NATS_LEAF_URL", value: natsLeafRemoteUrl(settings) }];
  return [...leaf, ...tls, ...users].sort((a, b) => ordinal(a.name, b.name));
}

/**
 * The root filesystem is read-only, and Docker cannot upload a file into a read-only root
 * ("container rootfs is marked read-only"), so the configuration is the shell's `$1` and is
 * written to the /tmp tmpfs at start, with the leaf TLS files decoded from the environment
 * (umask 077: only the NATS user reads the key). The alpine image's entrypoint runs `sh` as given.
 */
export function renderNatsCommand(machine: Machine, groups: readonly string[]): string[] {
  const files = NATS_LEAF_TLS_FILES;
  const vars = NATS_LEAF_TLS_VARIABLES;
  const script = [
    "umask 077",
    `printf '%s' "$${vars.ca}" | base64 -d > ${files.ca}`,
    `printf '%s' "$${vars.cert}" | base64 -d > ${files.cert}`,
    `printf '%s' "$${vars.key}" | base64 -d > ${files.key}`,
    `printf '%s' "$1" > ${NATS_STARTUP_CONFIG_FILE}`,
    `exec nats-server --config ${NATS_STARTUP_CONFIG_FILE}`,
  ].join(" && ");
  return ["sh", "-c", script, "nats-config", renderNatsConfig(machine, groups)];
}

/**
 * Publishes the client port (and on the hub the leaf-node port) on the LAN address; monitoring
 * (8222) is never published. Runs as the NATS user on a read-only root, every capability
 * dropped; the JetStream volume was given to that user by the store init container.
 */
export function renderNatsContainer(settings: NatsSettings, groups: readonly string[]): ContainerSpec {
  const ports = INFRASTRUCTURE_PORTS;
  // The leaf port is what the other host needs; the client port only when a setting asks for it.
  const published = [
    ...(settings.publishServices.includes("nats") ? [ports.natsClient] : []),
    ...(natsLeafRole(settings.machine) === "hub" ? [ports.natsLeafnode] : []),
  ];
  const user = settings.containerUsers.nats;
  const bound = publishPorts(settings, published);
  return {
    key: NATS_KEY,
    role: "nats",
    name: NATS_CONTAINER_NAME,
    image: settings.natsImage,
    command: renderNatsCommand(settings.machine, groups),
    user,
    env: renderNatsEnvironment(settings, groups),
    attachNetwork: true,
    aliases: [NATS_ALIAS],
    hosts: [],
    ports: bound.ports,
    internalPorts: [ports.natsMonitoring],
    devices: [],
    groupAdd: [],
    mounts: [{ type: "volume", volume: VOLUMES.natsData.key, target: NATS_STORE_DIR, readOnly: false }],
    tmpfs: [renderTmpfs("/tmp", 1, false)],
    uploads: [],
    lifecycle: "service",
    healthcheck: renderNatsHealthcheck(settings.healthcheck),
    gpu: null,
    cpus: settings.natsCpus,
    memoryMb: settings.natsMemoryMb,
    shmMb: null,
    readOnlyRootfs: true,
    noNewPrivileges: true,
    capabilities: DROP_ALL_CAPABILITIES,
    ipc: "private",
    processLimit: NATS_PROCESS_LIMIT,
    init: false,
    restart: "unless-stopped",
    log: renderLog(settings),
    waitTimeoutSeconds: settings.waitTimeoutSeconds,
    exceptions: sortExceptions([RESTART_EXCEPTION, processLimitException(user, NATS_PROCESS_LIMIT), ...bound.exceptions]),
    dependsOn: [NATS_STORE_INIT_KEY],
  };
}
