import * as fs from "fs";
import * as path from "path";
import { isIPv4 } from "net";
import { makeLeafCertificates } from "../tls/leafCertificates";
import { CommandResult, helpResult, parseCommandLine, usageError } from "./commandLine";

const USAGE = `usage: ai-system leaf-certs --mainpc-ip IP --out DIR [--days N]

Makes the certificates of the NATS leaf link's mutual TLS with openssl: DIR/ca.pem (and
ca-key.pem, keep it offline), DIR/mainpc-cert.pem and mainpc-key.pem (server; IP SAN --mainpc-ip),
DIR/pc2-cert.pem and pc2-key.pem (client). --days defaults to 825. Refuses a DIR that exists.

exit status: 0 written, 1 failed, 2 wrong usage`;

export function runLeafCertsCommand(argv: readonly string[], cwd: string = process.cwd()): CommandResult {
  const parsed = parseCommandLine(argv, { values: ["--mainpc-ip", "--out", "--days"], switches: [] });
  if (parsed.kind === "help") return helpResult(USAGE);
  if (parsed.kind === "usage") return usageError(parsed.problem, USAGE);
  const ip = parsed.values.get("--mainpc-ip");
  const out = parsed.values.get("--out");
  const days = Number(parsed.values.get("--days") ?? "825");
  if (ip === undefined || !isIPv4(ip)) return usageError("--mainpc-ip must be mainpc's IPv4 LAN address", USAGE);
  if (out === undefined) return usageError("--out DIR is required", USAGE);
  if (!Number.isInteger(days) || days < 1 || days > 3650) return usageError("--days must be a whole number from 1 to 3650", USAGE);
  const dir = path.resolve(cwd, out);
  if (fs.existsSync(dir)) return { exitCode: 1, stdout: "", stderr: `Nothing written: ${dir} exists; choose a new directory\n` };
  const files = makeLeafCertificates(dir, ip, days);
  const lines = [
    `Wrote the leaf-link certificates into ${dir}. In both stacks:`,
    `  pulumi config set --secret natsLeafCa < ${files.ca}`,
    `mainpc: pulumi config set --secret natsLeafCert < ${files.mainpcCert}; pulumi config set --secret natsLeafKey < ${files.mainpcKey}`,
    `pc2:    pulumi config set --secret natsLeafCert < ${files.pc2Cert}; pulumi config set --secret natsLeafKey < ${files.pc2Key}`,
    `Keep ${files.caKey} offline (it signs new certificates); the hosts do not need it.`,
  ];
  return { exitCode: 0, stdout: `${lines.join("\n")}\n`, stderr: "" };
}
