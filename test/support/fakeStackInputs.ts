import * as pulumi from "@pulumi/pulumi";
import { StackInputs } from "../../src/program/stackInputs";

export const TEST_SECRETS = { redisPassword: "redis-Secret-1234", natsPassword: "nats-Secret-5678", natsLeafPassword: "leaf-Secret-9012" };
/** Only stacks that set imageRegistryUser read it. */
export const TEST_REGISTRY_PASSWORD = "ghp_Registry-Token-3456";

/** Stack inputs as Pulumi would pass them (values as text), with the test secrets. */
export function fakeStackInputs(raw: Readonly<Record<string, string>>, stack = "mainpc", baseDir = "/srv/infra"): StackInputs {
  return {
    stack,
    raw: { ...TEST_SECRETS, ...raw },
    source: { file: `Pulumi.${stack}.yaml`, baseDir, lineOf: () => 1 },
    secret: (name) => pulumi.secret(name === "imageRegistryPassword" ? TEST_REGISTRY_PASSWORD : TEST_SECRETS[name]),
  };
}
