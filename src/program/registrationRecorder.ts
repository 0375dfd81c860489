/**
 * Runs the program under pulumi.runtime.setMocks and records every resource registration as the
 * engine would receive it: type, name, URN, parent, provider, dependencies (URNs), inputs (secrets
 * still wrapped) and resource options, by wrapping MockMonitor.prototype.registerResource. The
 * mocks answer each create with the provider's read-back state (providerReadBack), so outputs
 * the program consumes (image ids, the store init's exit code) have their real shape. Used by the
 * offline view (`npm run inputs`) and the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { HostFacts, providerReadBack } from "./providerReadBack";

export interface CustomTimeoutsRecord {
  readonly create: string;
  readonly update: string;
  readonly delete: string;
}

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parent: string;
  /** `<provider urn>::<provider id>`, or "" for the default provider. */
  readonly provider: string;
  /** URNs of every resource this one waits for (explicit dependsOn and inputs' resources). */
  readonly dependencies: readonly string[];
  readonly custom: boolean;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly replaceOnChanges: readonly string[];
  readonly ignoreChanges: readonly string[];
  /** null: none set. */
  readonly customTimeouts: CustomTimeoutsRecord | null;
}

/** The parts of the gRPC RegisterResourceRequest the recorder reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getReplaceonchangesList(): string[];
  getIgnorechangesList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getObject(): Parameters<typeof deserializeProperties>[0];
}

let current: Registration[] | null = null;

const original = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: RegisterRequest, callback: (err: unknown, response: unknown) => void) {
  const parent = req.getParent();
  // Same URN scheme as MockMonitor.newUrn.
  const type = parent === "" ? req.getType() : `${parent.split("::")[2].split("$").pop()}$${req.getType()}`;
  const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${req.getName()}`;
  const timeouts = req.getCustomtimeouts();
  const customTimeouts =
    timeouts === undefined || (timeouts.getCreate() === "" && timeouts.getUpdate() === "" && timeouts.getDelete() === "")
      ? null
      : { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() };
  current?.push({
    type: req.getType(),
    name: req.getName(),
    urn,
    parent,
    provider: req.getProvider(),
    dependencies: [...req.getDependenciesList()].sort(),
    custom: req.getCustom(),
    inputs: deserializeProperties(req.getObject()),
    retainOnDelete: req.getRetainondelete(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    replaceOnChanges: [...req.getReplaceonchangesList()],
    ignoreChanges: [...req.getIgnorechangesList()],
    customTimeouts,
  });
  return original.call(this, req, callback);
};

export interface MockedRun {
  readonly registrations: Registration[];
  /** Waits until every registration has reached the mock monitor. */
  settle(): Promise<void>;
}

/** Fresh mocks and an empty record; call before running the program. */
export async function mockPulumi(stack = "mainpc", facts: HostFacts = {}, project = "ai-system"): Promise<MockedRun> {
  const registrations: Registration[] = [];
  current = registrations;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: providerReadBack(args.type, { ...args.inputs }, facts) }),
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
  return { registrations, settle: () => pulumi.runtime.disconnect() };
}

export interface Unwrapped {
  readonly secret: boolean;
  readonly value: unknown;
}

/** A registered input as the engine sees it: secret-wrapped or plain. */
export function unwrap(value: unknown): Unwrapped {
  if (typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig) {
    return { secret: true, value: (value as Record<string, unknown>).value };
  }
  return { secret: false, value };
}

/** The value with every secret-wrapped subtree replaced by `[secret]`. */
export function maskSecrets(value: unknown): unknown {
  if (unwrap(value).secret) return "[secret]";
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
  return value;
}

/** The value with every secret-wrapped subtree replaced by its plain value. */
export function revealSecrets(value: unknown): unknown {
  const u = unwrap(value);
  if (u.secret) return revealSecrets(u.value);
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealSecrets(v)]));
  return value;
}
