/**
 * What the Docker provider stores as a resource's state after create (its Read), for the inputs
 * this program sends: a model of terraform-provider-docker v4.5.0 (the provider @pulumi/docker
 * 5.2.0 bridges), field by field, citing the function each rule comes from. The offline view
 * (`npm run inputs`) and the tests feed it back as mock state, and compare it with the inputs:
 * a field whose state differs from its input is a change on the next `pulumi up`.
 */
import { isDeepStrictEqual } from "util";
import { goDuration, nanoCpusToDecimalString, parseGoDuration, parseNanoCpus } from "../render";

type Props = Record<string, unknown>;

const CONTAINER = "docker:index/container:Container";
const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";
const VOLUME = "docker:index/volume:Volume";
const NETWORK = "docker:index/network:Network";

/** What the daemon holds beyond this program's inputs, e.g. a volume that docker compose created first. */
export interface HostFacts {
  /** Labels of volumes that exist before the program creates them, by volume name. */
  readonly volumeLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

function isRecord(value: unknown): value is Props {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Healthcheck durations go through time.ParseDuration and come back as Duration.String(); absent ones are "0s" (schema defaults). */
function readHealthcheck(h: Props): Props {
  const duration = (v: unknown): string => (typeof v === "string" ? goDuration(parseGoDuration(v)) : "0s");
  return {
    tests: h.tests,
    interval: duration(h.interval),
    timeout: duration(h.timeout),
    startPeriod: duration(h.startPeriod),
    startInterval: duration(h.startInterval),
    retries: typeof h.retries === "number" ? h.retries : 0,
  };
}

/**
 * A capability as Docker stores it: upper case with the CAP_ prefix, "ALL" as it is
 * (github.com/docker/docker v28.5.2 client/container_create.go normalizeCap, applied by the
 * provider's client in ContainerCreate before the request is sent).
 */
export function storedCapability(name: string): string {
  const upper = name.toUpperCase();
  return upper === "ALL" || upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
}

/** normalizeCapabilities: each name stored once, sorted; Read sets them back from HostConfig.CapAdd/CapDrop. */
function readCapabilities(c: Props): Props {
  const stored = (v: unknown[]): string[] => [...new Set(v.map((n) => storedCapability(String(n))))].sort();
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (k === "adds" || k === "drops") && Array.isArray(v) ? stored(v) : v]));
}

/** resourceDockerContainerRead (resource_docker_container_funcs.go), for the fields it sets. */
function readContainer(inputs: Props): Props {
  const state: Props = { ...inputs };
  if (typeof inputs.cpus === "string") {
    const nanos = parseNanoCpus(inputs.cpus);
    // nanoInt64ToDecimalString(container.HostConfig.NanoCPUs)
    if (nanos !== null) state.cpus = nanoCpusToDecimalString(nanos);
  }
  const memory = typeof inputs.memory === "number" ? inputs.memory : 0;
  // The daemon sets MemorySwap = 2 x Memory when none is given; Read stores it in MB.
  if (inputs.memorySwap === undefined && memory > 0) state.memorySwap = memory * 2;
  if (isRecord(inputs.healthcheck)) state.healthcheck = readHealthcheck(inputs.healthcheck);
  if (isRecord(inputs.capabilities)) state.capabilities = readCapabilities(inputs.capabilities);
  // flattenContainerPorts: sorted by internal port (byPortAndProtocol).
  if (Array.isArray(inputs.ports)) {
    state.ports = [...inputs.ports].filter(isRecord).sort((a, b) => Number(a.internal) - Number(b.internal));
  }
  // `init` and `shm_size` are always read (Computed); the daemon's default /dev/shm is 64 MB.
  state.init = inputs.init === true;
  if (inputs.shmSize === undefined) state.shmSize = 64;
  // A container that is not running gets `exit_code`; an attached run with `logs` gets `container_logs`.
  if (inputs.attach === true) {
    state.exitCode = 0;
    if (inputs.logs === true) state.containerLogs = "";
  }
  return state;
}

/** Builds or pulls give an image id; Read keeps the inputs. */
function readRemoteImage(inputs: Props): Props {
  return { ...inputs, imageId: `sha256:${String(inputs.name)}`, repoDigest: `${String(inputs.name)}@sha256:0` };
}

/** resourceDockerVolumeRead: `labels` from the volume itself (mapToLabelSet), even when someone else created it. */
function readVolume(inputs: Props, facts: HostFacts): Props {
  const existing = facts.volumeLabels?.[String(inputs.name)];
  if (existing === undefined) return { ...inputs };
  return { ...inputs, labels: Object.entries(existing).map(([label, value]) => ({ label, value })) };
}

/** The state the provider stores for a resource created with these inputs. */
export function providerReadBack(type: string, inputs: Props, facts: HostFacts = {}): Props {
  switch (type) {
    case CONTAINER:
      return readContainer(inputs);
    case REMOTE_IMAGE:
      return readRemoteImage(inputs);
    case VOLUME:
      return readVolume(inputs, facts);
    case NETWORK:
      return { ...inputs };
    default:
      return { ...inputs };
  }
}

/**
 * Fields of the schema that are sets (TypeSet): their order never diffs. Nested sets are named
 * by path (`deviceRequests.deviceIds`).
 */
const SET_FIELDS = new Set([
  "envs",
  "labels",
  "hosts",
  "ulimits",
  "mounts",
  "securityOpts",
  "uploads",
  "deviceRequests",
  "deviceRequests.deviceIds",
  "deviceRequests.capabilities",
  "capabilities.drops",
  "capabilities.adds",
  "networksAdvanced",
  "networksAdvanced.aliases",
]);

function canonical(value: unknown, path: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v, path));
    return SET_FIELDS.has(path) ? items.map((v) => JSON.stringify(v)).sort().map((v) => JSON.parse(v) as unknown) : items;
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k], path === "" ? k : `${path}.${k}`)]));
  }
  return value;
}

/**
 * Optional fields that are not Computed in the schema but that Read sets: an absent input against
 * a stored value is a diff too (resource_docker_container.go, resource_docker_volume.go).
 */
const STORED_WITHOUT_INPUT: Readonly<Record<string, readonly string[]>> = {
  [CONTAINER]: ["memory", "memorySwap"],
  [VOLUME]: ["labels"],
};

function present(value: unknown): boolean {
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/**
 * The fields whose stored state differs from the inputs (what `pulumi preview` would show as
 * changed after one `pulumi up`), sorted. Fields ignoreChanges names are left out.
 */
export function readBackDifferences(type: string, inputs: Props, state: Props, ignoreChanges: readonly string[] = []): string[] {
  const ignored = new Set(ignoreChanges);
  const keys = new Set(Object.keys(inputs).filter((k) => inputs[k] !== undefined));
  for (const k of STORED_WITHOUT_INPUT[type] ?? []) if (present(state[k])) keys.add(k);
  return [...keys]
    .filter((k) => !ignored.has(k))
    .filter((k) => !isDeepStrictEqual(canonical(inputs[k], k), canonical(state[k], k)))
    .sort();
}
