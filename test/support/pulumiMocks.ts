/** Test helpers around the registration recorder (src/program/registrationRecorder.ts). */
import * as pulumi from "@pulumi/pulumi";
import { unwrap } from "../../src/program/registrationRecorder";

export { mockPulumi, MockedRun, Registration, unwrap, Unwrapped } from "../../src/program/registrationRecorder";

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
