/**
 * A host's rendered NATS container run on real nats-server (Debian's package), outside Docker:
 * its rendered command (`sh -c` writing the TLS files and the configuration, then exec'ing
 * nats-server) and environment. Only what cannot run outside a container is changed, each
 * replacement checked to occur exactly as often as expected: the listen addresses and ports (free
 * loopback ports instead of 0.0.0.0 and the fixed ports), the JetStream store and the /tmp paths
 * (a directory of the test).
 */
import * as fs from "fs";
import * as path from "path";
import { Machine } from "../../src/config/machine";
import { ContainerSpec, renderSpecText, SecretName } from "../../src/render";
import { replaceExactly, RunningServer, startServer } from "./debianServer";

export interface NatsTestPorts {
  readonly client: number;
  readonly monitor: number;
  /** mainpc's leaf listener, which pc2's remote dials. */
  readonly leaf: number;
}

export function startRenderedNats(machine: Machine, spec: ContainerSpec, work: string, ports: NatsTestPorts, secrets: Readonly<Record<SecretName, string>>): RunningServer {
  fs.mkdirSync(path.join(work, "data"), { recursive: true });
  const script = replaceExactly(spec.command![2]!, "/tmp/", `${work}/`, 5);
  let config = spec.command![4]!;
  config = replaceExactly(config, "/tmp/", `${work}/`, 3);
  config = replaceExactly(config, 'store_dir: "/data"', `store_dir: "${work}/data"`);
  config = replaceExactly(config, '"0.0.0.0:4222"', `"127.0.0.1:${ports.client}"`);
  config = replaceExactly(config, '"127.0.0.1:8222"', `"127.0.0.1:${ports.monitor}"`);
  if (machine === "mainpc") config = replaceExactly(config, '"0.0.0.0:7422"', `"127.0.0.1:${ports.leaf}"`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  for (const e of spec.env) {
    const value = renderSpecText(e.value, (n) => secrets[n]);
    env[e.name] = e.name === "NATS_LEAF_URL" ? replaceExactly(value, "@127.0.0.1:7422", `@127.0.0.1:${ports.leaf}`) : value;
  }
  return startServer("sh", ["-c", script, spec.command![3]!, config], env);
}
