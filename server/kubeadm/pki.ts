/**
 * kubeadm-style PKI for one Skiff data dir, kept in `DIR/pki` (kubeadm: /etc/kubernetes/pki).
 *
 *   ca.crt / ca.key                    cluster CA, CN=kubernetes, 10 years
 *   apiserver.crt / apiserver.key      kube-apiserver serving cert (CN=kube-apiserver), 1 year
 *   admin.crt / admin.key              CN=kubernetes-admin, O=kubeadm:cluster-admins, 1 year
 *   super-admin.crt / super-admin.key  CN=kubernetes-super-admin, O=system:masters, 1 year
 *   sa.key / sa.pub                    service account token signing key pair
 *
 * Like kubeadm v1.33, admin.conf's identity is in the group `kubeadm:cluster-admins` (which kubeadm
 * binds to the `cluster-admin` ClusterRole with a ClusterRoleBinding of the same name), and the
 * break-glass identity in `system:masters` lives in a separate super-admin credential. Kubeadm
 * embeds the admin certs only in admin.conf / super-admin.conf; Skiff also keeps them as files in
 * pki/ so other components and tests can use them.
 *
 * Keys are ECDSA P-256 (kubeadm's `encryptionAlgorithm: ECDSA-P256`; kubeadm's default is
 * RSA-2048, but an ECDSA key costs microseconds instead of tens of milliseconds to make). Private
 * keys are written as kubeadm writes them: SEC1 "EC PRIVATE KEY" PEM, mode 0600.
 *
 * Start-up cost: the first start generates everything (tens of ms plus loading @peculiar/x509,
 * which is why that library is only imported when something has to be signed). Later starts read
 * the files and parse just the two leaf certificates with node's native X509Certificate to renew
 * them when they are about to expire or miss a requested host — well under a millisecond.
 */
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type * as X509 from '@peculiar/x509';

export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  superAdminCert: string;
  superAdminKey: string;
  saKey: string;
  saPub: string;
}

/** A certificate and its private key, both PEM. */
export interface IssuedCert {
  cert: string;
  key: string;
}

/** The authenticated user a client certificate stands for (Kubernetes' x509 authenticator). */
export interface CertIdentity {
  user: string;
  groups: string[];
}

export const PKI_DIR = 'pki';

/** Subject of the admin credential written to the kubeconfig (kubeadm's admin.conf). */
export const ADMIN_USER = 'kubernetes-admin';
export const ADMIN_GROUP = 'kubeadm:cluster-admins';
/** Subject of the break-glass credential (kubeadm's super-admin.conf). */
export const SUPER_ADMIN_USER = 'kubernetes-super-admin';
export const SUPER_ADMIN_GROUP = 'system:masters';

/** Names and addresses every apiserver serving certificate covers (kubeadm's defaults for a single
 * node whose service CIDR is 10.96.0.0/12 and cluster domain cluster.local). */
export const APISERVER_HOSTS: readonly string[] = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  '127.0.0.1',
  '::1',
  '10.96.0.1',
];

const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'apiserver.crt',
  serverKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  superAdminCert: 'super-admin.crt',
  superAdminKey: 'super-admin.key',
  saKey: 'sa.key',
  saPub: 'sa.pub',
} as const satisfies Record<keyof Pki, string>;

const DAY_MS = 24 * 60 * 60 * 1000;
/** kubeadm: caCertificateValidityPeriod 87600h, certificateValidityPeriod 8760h. */
const CA_VALIDITY_MS = 3650 * DAY_MS;
const LEAF_VALIDITY_MS = 365 * DAY_MS;
/** Certificates start a little in the past so a clock a few minutes behind still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;
/** Leaf certificates closer than this to expiry are renewed at start-up. */
const RENEW_BEFORE_MS = 30 * DAY_MS;

const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const EKU_ANY = '2.5.29.37.0';

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Concurrent calls for the same directory share one generation. */
const inflight = new Map<string, Promise<Pki>>();

/**
 * Loads the PKI from `dataDir/pki`, creating whatever is missing (everything on first start).
 * `extraHosts` (DNS names or IP addresses) are added to the serving certificate's SANs; an
 * existing serving certificate that lacks one of them is reissued.
 */
export function ensurePki(dataDir: string, extraHosts: string[] = []): Promise<Pki> {
  const dir = join(resolve(dataDir), PKI_DIR);
  const hosts = [...new Set([...APISERVER_HOSTS, ...extraHosts.map(normalizeHost)])];
  const key = `${dir}\0${hosts.join(',')}`;
  let p = inflight.get(key);
  if (!p) {
    p = loadOrCreate(dir, hosts).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}

async function loadOrCreate(dir: string, hosts: string[]): Promise<Pki> {
  const names = Object.keys(FILES) as (keyof Pki)[];
  const contents = await Promise.all(names.map((n) => readFile(join(dir, FILES[n]), 'utf8').catch(ignoreMissing)));
  const found: Partial<Pki> = {};
  names.forEach((n, i) => {
    if (contents[i]) found[n] = contents[i];
  });
  if (isComplete(found) && leafFresh(found.serverCert, hosts) && leafFresh(found.adminCert) && leafFresh(found.superAdminCert)) {
    return found;
  }
  return repair(dir, found, hosts);
}

function ignoreMissing(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT') return undefined;
  throw err;
}

function isComplete(p: Partial<Pki>): p is Pki {
  return (Object.keys(FILES) as (keyof Pki)[]).every((n) => p[n] !== undefined);
}

/** True when the certificate is valid for at least RENEW_BEFORE_MS more and covers `hosts`. */
function leafFresh(pem: string, hosts: string[] = []): boolean {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return false;
  }
  if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
  if (hosts.length === 0) return true;
  const sans = parseSubjectAltName(cert.subjectAltName);
  return hosts.every((h) => sans.has(h));
}

/** Node renders SANs as "DNS:a, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1". */
function parseSubjectAltName(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (text ?? '').split(', ')) {
    if (part.startsWith('DNS:')) out.add(part.slice(4).toLowerCase());
    else if (part.startsWith('IP Address:')) out.add(normalizeHost(part.slice(11)));
  }
  return out;
}

/** Lower-cases DNS names and writes IPv6 addresses in one canonical form. */
function normalizeHost(host: string): string {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(h) === 6) return new URL(`http://[${h}]/`).hostname.slice(1, -1);
  return h.toLowerCase();
}

/**
 * Creates what is missing or unusable. A missing or broken CA means a new CA and new leaves (the
 * old ones could not verify any more); otherwise only the leaves that are missing, expiring, not
 * signed by this CA or not matching their key are reissued. The service account key pair is
 * independent of the CA and kept whenever both halves exist.
 */
async function repair(dir: string, found: Partial<Pki>, hosts: string[]): Promise<Pki> {
  const x509 = await loadX509();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const out: Partial<Pki> = {};

  let ca: Signer | undefined;
  if (found.caCert && found.caKey) {
    try {
      ca = await signerFrom(x509, found.caCert, found.caKey);
      out.caCert = found.caCert;
      out.caKey = found.caKey;
    } catch {
      ca = undefined;
    }
  }
  if (!ca) {
    const created = await createCa(x509);
    ca = created.signer;
    out.caCert = created.cert;
    out.caKey = created.key;
    await writePem(dir, FILES.caKey, created.key, 0o600);
    await writePem(dir, FILES.caCert, created.cert, 0o644);
  }
  const caPublic = new X509Certificate(out.caCert!).publicKey;

  const leaves: { cert: 'serverCert' | 'adminCert' | 'superAdminCert'; key: 'serverKey' | 'adminKey' | 'superAdminKey'; hosts?: string[]; issue: () => Promise<IssuedCert> }[] = [
    { cert: 'serverCert', key: 'serverKey', hosts, issue: () => issue(x509, ca!, { cn: 'kube-apiserver', orgs: [], hosts, usage: 'server' }) },
    { cert: 'adminCert', key: 'adminKey', issue: () => issue(x509, ca!, { cn: ADMIN_USER, orgs: [ADMIN_GROUP], usage: 'client' }) },
    { cert: 'superAdminCert', key: 'superAdminKey', issue: () => issue(x509, ca!, { cn: SUPER_ADMIN_USER, orgs: [SUPER_ADMIN_GROUP], usage: 'client' }) },
  ];
  for (const leaf of leaves) {
    const cert = found[leaf.cert];
    const key = found[leaf.key];
    if (cert && key && out.caCert === found.caCert && leafUsable(cert, key, caPublic, leaf.hosts)) {
      out[leaf.cert] = cert;
      out[leaf.key] = key;
      continue;
    }
    const issued = await leaf.issue();
    await writePem(dir, FILES[leaf.key], issued.key, 0o600);
    await writePem(dir, FILES[leaf.cert], issued.cert, 0o644);
    out[leaf.cert] = issued.cert;
    out[leaf.key] = issued.key;
  }

  if (found.saKey && found.saPub && saPairUsable(found.saKey, found.saPub)) {
    out.saKey = found.saKey;
    out.saPub = found.saPub;
  } else {
    const pair = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
    const priv = await keyObjectFromCryptoKey(pair.privateKey);
    out.saKey = priv.export({ format: 'pem', type: 'sec1' }) as string;
    out.saPub = publicPem(priv);
    await writePem(dir, FILES.saKey, out.saKey, 0o600);
    await writePem(dir, FILES.saPub, out.saPub, 0o644);
  }
  return out as Pki;
}

function leafUsable(certPem: string, keyPem: string, caPublic: KeyObject, hosts?: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return cert.verify(caPublic) && cert.checkPrivateKey(createPrivateKey(keyPem)) && leafFresh(certPem, hosts);
  } catch {
    return false;
  }
}

function saPairUsable(keyPem: string, pubPem: string): boolean {
  try {
    return normalizePem(publicPem(createPrivateKey(keyPem))) === normalizePem(pubPem);
  } catch {
    return false;
  }
}

/** The PKIX "PUBLIC KEY" PEM of a private key's public half (kubeadm's sa.pub format). */
function publicPem(priv: KeyObject): string {
  return createPublicKey(priv).export({ format: 'pem', type: 'spki' }) as string;
}

function normalizePem(pem: string): string {
  return pem.replace(/\r\n/g, '\n').trim();
}

/**
 * Issues a client certificate signed by the cluster CA, e.g. for a kubelet:
 * `issueClientCert(pki, 'system:node:node-1', ['system:nodes'])`. Valid for one year.
 */
export async function issueClientCert(pki: Pki, cn: string, orgs: string[] = []): Promise<IssuedCert> {
  if (!cn) throw new Error('pki: a client certificate needs a common name (the user name)');
  const x509 = await loadX509();
  const ca = await signerFrom(x509, pki.caCert, pki.caKey);
  return issue(x509, ca, { cn, orgs, usage: 'client' });
}

/**
 * Maps a verified client certificate (TLSSocket#getPeerCertificate() on a socket whose
 * `authorized` is true) to a user the way Kubernetes' x509 authenticator does: CN is the user name,
 * each O is a group. Returns undefined when there is no certificate, the CN is empty, or the
 * certificate's extended key usage does not allow client authentication.
 */
export function identityFromPeerCertificate(
  cert: { subject?: { CN?: string | string[]; O?: string | string[] }; ext_key_usage?: string[] } | null | undefined,
): CertIdentity | undefined {
  const subject = cert?.subject;
  if (!subject) return undefined;
  const eku = cert.ext_key_usage;
  if (eku && eku.length > 0 && !eku.includes(EKU_CLIENT_AUTH) && !eku.includes(EKU_ANY)) return undefined;
  // Go's pkix.Name keeps the last CN when a subject has several; do the same.
  const cns = toList(subject.CN);
  const user = cns[cns.length - 1];
  if (!user) return undefined;
  return { user, groups: toList(subject.O) };
}

function toList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

// ---------------------------------------------------------------------------------------------
// Signing (only reached when something has to be created)

type X509Module = typeof X509;

interface Signer {
  name: X509.Name;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  algorithm: EcdsaParams | Algorithm;
  notAfter: Date;
}

let x509Module: X509Module | undefined;

/**
 * Loads @peculiar/x509 on first use: it takes longer to load than everything else start-up does
 * when the PKI exists. It needs the Reflect metadata API (through tsyringe) and a WebCrypto
 * provider. A plain require (Skiff runs as CommonJS, bundled or through tsx) keeps the load lazy
 * in the esbuild bundle too.
 */
async function loadX509(): Promise<X509Module> {
  if (!x509Module) {
    installReflectMetadata();
    const x509 = require('@peculiar/x509') as X509Module;
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    x509Module = x509;
  }
  return x509Module;
}

/**
 * The few Reflect metadata functions tsyringe and TypeScript's emitted decorator metadata use
 * (the reflect-metadata proposal), installed only when no polyfill is present.
 */
function installReflectMetadata(): void {
  type Key = string | symbol | undefined;
  const R = Reflect as unknown as Record<string, unknown>;
  if (typeof R.getMetadata === 'function') return;
  const tables = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();
  const table = (target: object, prop: Key, create: boolean): Map<unknown, unknown> | undefined => {
    let byProp = tables.get(target);
    if (!byProp) {
      if (!create) return undefined;
      byProp = new Map();
      tables.set(target, byProp);
    }
    let meta = byProp.get(prop);
    if (!meta && create) {
      meta = new Map();
      byProp.set(prop, meta);
    }
    return meta;
  };
  const chain = function* (target: object): Generator<object> {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) yield o;
  };
  R.defineMetadata = (k: unknown, v: unknown, t: object, p?: Key) => void table(t, p, true)!.set(k, v);
  R.hasOwnMetadata = (k: unknown, t: object, p?: Key) => table(t, p, false)?.has(k) ?? false;
  R.getOwnMetadata = (k: unknown, t: object, p?: Key) => table(t, p, false)?.get(k);
  R.hasMetadata = (k: unknown, t: object, p?: Key) => [...chain(t)].some((o) => table(o, p, false)?.has(k));
  R.getMetadata = (k: unknown, t: object, p?: Key) => {
    for (const o of chain(t)) {
      const m = table(o, p, false);
      if (m?.has(k)) return m.get(k);
    }
    return undefined;
  };
  R.metadata = (k: unknown, v: unknown) => (t: object, p?: Key) => void table(t, p, true)!.set(k, v);
}

async function signerFrom(x509: X509Module, certPem: string, keyPem: string): Promise<Signer> {
  const cert = new x509.X509Certificate(certPem);
  const keyObject = createPrivateKey(keyPem);
  const pkcs8 = keyObject.export({ format: 'der', type: 'pkcs8' });
  let algorithm: EcdsaParams | Algorithm;
  let importParams: EcKeyImportParams | RsaHashedImportParams;
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = keyObject.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : 'P-256';
    const hash = namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512';
    importParams = { name: 'ECDSA', namedCurve };
    algorithm = { name: 'ECDSA', hash } as EcdsaParams;
  } else if (keyObject.asymmetricKeyType === 'rsa') {
    importParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    algorithm = { name: 'RSASSA-PKCS1-v1_5' };
  } else {
    throw new Error(`pki: unsupported CA key type ${keyObject.asymmetricKeyType}`);
  }
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, importParams, false, ['sign']);
  const publicKey = await cert.publicKey.export(importParams, ['verify']);
  if (!new X509Certificate(certPem).checkPrivateKey(keyObject)) throw new Error('pki: ca.key does not match ca.crt');
  return { name: cert.subjectName, privateKey, publicKey, algorithm, notAfter: cert.notAfter };
}

async function createCa(x509: X509Module): Promise<{ signer: Signer; cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const notAfter = new Date(notBefore.getTime() + CA_VALIDITY_MS);
  const algorithm = { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: ['kubernetes'] }],
    notBefore,
    notAfter,
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign, true),
      new x509.BasicConstraintsExtension(true, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const key = await privatePem(keys.privateKey);
  return { signer: { name: cert.subjectName, privateKey: keys.privateKey, publicKey: keys.publicKey, algorithm, notAfter }, cert: cert.toString('pem') + '\n', key };
}

interface LeafSpec {
  cn: string;
  orgs: string[];
  hosts?: string[];
  usage: 'server' | 'client';
}

async function issue(x509: X509Module, ca: Signer, spec: LeafSpec): Promise<IssuedCert> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const notAfter = new Date(Math.min(notBefore.getTime() + LEAF_VALIDITY_MS, ca.notAfter.getTime()));
  const subject: X509.JsonName = [];
  if (spec.orgs.length > 0) subject.push({ O: [...spec.orgs] });
  subject.push({ CN: [spec.cn] });
  const extensions: X509.Extension[] = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([spec.usage === 'server' ? EKU_SERVER_AUTH : EKU_CLIENT_AUTH]),
    new x509.BasicConstraintsExtension(false, undefined, true),
    await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
  ];
  if (spec.hosts && spec.hosts.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(spec.hosts.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h }))));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject,
    issuer: ca.name,
    notBefore,
    notAfter,
    signingAlgorithm: ca.algorithm,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: await privatePem(keys.privateKey) };
}

/** A positive 128-bit serial number (RFC 5280: at most 20 octets, positive, unpredictable). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function keyObjectFromCryptoKey(key: CryptoKey): Promise<KeyObject> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

/** SEC1 "EC PRIVATE KEY" PEM, the form kubeadm (Go's keyutil) writes for ECDSA keys. */
async function privatePem(key: CryptoKey): Promise<string> {
  return (await keyObjectFromCryptoKey(key)).export({ format: 'pem', type: 'sec1' }) as string;
}

/** Writes a file atomically (temp file, fsync, rename) with the given mode. */
async function writePem(dir: string, name: string, data: string, mode: number): Promise<void> {
  const path = join(dir, name);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
