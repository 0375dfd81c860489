/**
 * Certificates of the mutual-TLS leaf link, made with the openssl command line (Debian's
 * openssl; node:crypto parses certificates but cannot issue them): one CA, a server certificate
 * for mainpc with mainpc's LAN address as its IP SAN (pc2 verifies it against the CA), and a
 * client certificate for pc2 (mainpc requires and verifies it). ECDSA P-256 keys.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface LeafCertificateFiles {
  readonly ca: string;
  readonly caKey: string;
  readonly mainpcCert: string;
  readonly mainpcKey: string;
  readonly pc2Cert: string;
  readonly pc2Key: string;
}

export function leafCertificatePaths(dir: string): LeafCertificateFiles {
  const at = (f: string) => path.join(dir, f);
  return {
    ca: at("ca.pem"),
    caKey: at("ca-key.pem"),
    mainpcCert: at("mainpc-cert.pem"),
    mainpcKey: at("mainpc-key.pem"),
    pc2Cert: at("pc2-cert.pem"),
    pc2Key: at("pc2-key.pem"),
  };
}

function openssl(args: readonly string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** Writes the six files into `dir` (keys mode 0600); `mainpcIp` goes into the server certificate. */
export function makeLeafCertificates(dir: string, mainpcIp: string, days: number): LeafCertificateFiles {
  const files = leafCertificatePaths(dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = (file: string) => openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file]);
  key(files.caKey);
  openssl(["req", "-x509", "-new", "-key", files.caKey, "-sha256", "-days", String(days), "-subj", "/CN=ai-system leaf CA", "-out", files.ca]);
  const issue = (keyFile: string, certFile: string, cn: string, extensions: string) => {
    key(keyFile);
    const csr = `${certFile}.csr`;
    const ext = `${certFile}.ext`;
    openssl(["req", "-new", "-key", keyFile, "-subj", `/CN=${cn}`, "-out", csr]);
    fs.writeFileSync(ext, extensions);
    openssl(["x509", "-req", "-in", csr, "-CA", files.ca, "-CAkey", files.caKey, "-CAcreateserial", "-days", String(days), "-sha256", "-extfile", ext, "-out", certFile]);
    fs.rmSync(csr);
    fs.rmSync(ext);
  };
  issue(files.mainpcKey, files.mainpcCert, "mainpc", `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:${mainpcIp}\n`);
  issue(files.pc2Key, files.pc2Cert, "pc2", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n");
  fs.rmSync(path.join(dir, "ca.srl"), { force: true });
  for (const k of [files.caKey, files.mainpcKey, files.pc2Key]) fs.chmodSync(k, 0o600);
  return files;
}
