/**
 * Pulumi mocks that record every resource registration: type, name, URN, parent, provider,
 * dependencies (URNs) and inputs exactly as the engine would receive them (secrets still
 * wrapped), by wrapping MockMonitor.prototype.registerResource.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

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
  getObject(): Parameters<typeof deserializeProperties>[0];
}

let current: Registration[] | null = null;

const original = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: MockMonitor, req: RegisterRequest, callback: (err: unknown, response: unknown) => void) {
  const parent = req.getParent();
  // Same URN scheme as MockMonitor.newUrn.
  const type = parent === "" ? req.getType() : `${parent.split("::")[2].split("$").pop()}$${req.getType()}`;
  const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${req.getName()}`;
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
  });
  return original.call(this, req, callback);
};

export interface MockedRun {
  readonly registrations: Registration[];
  /** Waits until every registration has reached the mock monitor. */
  settle(): Promise<void>;
}

/** Fresh mocks and an empty record; call at the start of each test. */
export async function mockPulumi(stack = "mainpc"): Promise<MockedRun> {
  const registrations: Registration[] = [];
  current = registrations;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${String(args.inputs.name)}`;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "ai-system",
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

/** Every string reachable from `value` without entering a secret-wrapped subtree. */
export function plainStrings(value: unknown): string[] {
  if (unwrap(value).secret) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(plainStrings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(plainStrings);
  return [];
}

export function promiseOf<T>(output: pulumi.OutputInstance<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export function isSecretOutput<T>(output: pulumi.OutputInstance<T>): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(output));
}
