import * as pulumi from "@pulumi/pulumi";
import { formatFinding } from "../config/finding";
import { internalError } from "../pipeline/prepareMachine";

/** The stack file the program's own findings point at; `unknown` if even the stack name fails. */
function stackFile(stack: () => string): string {
  try {
    return `Pulumi.${stack()}.yaml`;
  } catch {
    return "Pulumi.<stack>.yaml";
  }
}

/**
 * The Pulumi program's outermost step (index.ts): a refusal (RunError, whose message Pulumi
 * prints without a stack trace) passes as it is; any other exception, a bug, becomes one
 * `internal-error` finding in a RunError, so `pulumi up` prints one clear line instead of a
 * stack trace. Every check runs before the first resource (src/pipeline/prepareMachine.ts,
 * MachineStack's invariants), so neither registers a resource.
 */
export async function programEntry<T>(body: () => T | Promise<T>, stack: () => string = pulumi.getStack): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof pulumi.RunError) throw error;
    throw new pulumi.RunError(formatFinding(internalError(error, { file: stackFile(stack), line: 1 })));
  }
}
