/**
 * A stand-in PKI made with the openssl CLI (ECDSA P-256 CA, serving cert for 127.0.0.1, admin
 * client cert), laid out like a cluster's `<dir>/pki`. Only used when no cluster PKI is available,
 * so the bare-server figures still come out; the report says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeDevPki(dataDir: string): void {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true });
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = (name: string) => ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  key('ca');
  ossl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=skiff-bench-ca', '-days', '2', '-out', 'ca.crt');
  const issue = (name: string, subj: string, ext: string) => {
    key(name);
    ossl('req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ossl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`);
  };
  issue('apiserver', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue('admin', '/O=system:masters/CN=kubernetes-admin', 'extendedKeyUsage=clientAuth\n');
}
