import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { StackInputs } from "../../src/program/stackInputs";
import { SecretName } from "../../src/render/spec";

/** Only stacks that set imageRegistryUser read it. */
export const TEST_REGISTRY_PASSWORD = "ghp_Registry-Token-3456";
const tls = (file: string) => fs.readFileSync(path.join(__dirname, "leaf-tls", file), "utf8");

/**
 * Test values of every stack secret: strong, different passwords, and a test-only leaf CA with
 * mainpc's certificate (IP SAN 192.168.1.10; made by `npm run leaf-certs`, its CA key discarded).
 */
export const TEST_SECRETS: Readonly<Record<SecretName, string>> = {
  natsLeafCa: tls("ca.pem"),
  natsLeafCert: tls("mainpc-cert.pem"),
  natsLeafKey: tls("mainpc-key.pem"),
  natsLeafPassword: "leaf-Secret-9012",
  natsPassword: "nats-Secret-5678",
  redisPassword: "redis-Secret-1234",
};

/** TEST_SECRETS as Pulumi secret outputs (what `config.requireSecret` returns). */
export function testSecretOutputs(): Record<SecretName, pulumi.Output<string>> {
  return Object.fromEntries(Object.entries(TEST_SECRETS).map(([k, v]) => [k, pulumi.secret(v)])) as Record<SecretName, pulumi.Output<string>>;
}
/** Stack inputs as Pulumi would pass them (values as text), with the test secrets. */
export function fakeStackInputs(raw: Readonly<Record<string, string>>, stack = "mainpc", baseDir = "/srv/infra"): StackInputs {
  return {
    stack,
    raw: { ...TEST_SECRETS, ...raw },
    source: { file: `Pulumi.${stack}.yaml`, baseDir, lineOf: () => 1 },
    secret: (name) => pulumi.secret(name === "imageRegistryPassword" ? TEST_REGISTRY_PASSWORD : TEST_SECRETS[name]),
  };
}
