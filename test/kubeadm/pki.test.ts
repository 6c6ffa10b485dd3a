import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { renderKubeconfig, writeKubeconfig } from '../../server/kubeadm/kubeconfig.js';
import { ensurePki, identityFromPeerCertificate, issueClientCert, type Pki } from '../../server/kubeadm/pki.js';

const ROOT = resolve(__dirname, '../..');
const KUBECTL = join(ROOT, '.tools/kubectl/kubectl');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'skiff-pki-'));
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('kubeadm pki', () => {
  let dir: string;
  let pki: Pki;

  before(async () => {
    dir = tempDir();
    pki = await ensurePki(dir, ['skiff.example.com', '192.0.2.7']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes kubeadm file names, keys 0600', () => {
    const p = join(dir, 'pki');
    for (const f of ['ca.crt', 'apiserver.crt', 'admin.crt', 'super-admin.crt', 'sa.pub']) assert.ok(existsSync(join(p, f)), f);
    for (const f of ['ca.key', 'apiserver.key', 'admin.key', 'super-admin.key', 'sa.key']) assert.equal(mode(join(p, f)), 0o600, f);
    assert.equal(readFileSync(join(p, 'ca.crt'), 'utf8'), pki.caCert);
    assert.equal(readFileSync(join(p, 'admin.key'), 'utf8'), pki.adminKey);
    assert.match(pki.caKey, /^-----BEGIN EC PRIVATE KEY-----\n/);
    assert.match(pki.saPub, /^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('has a 10-year self-signed CA "kubernetes" with ECDSA P-256', () => {
    const ca = new X509Certificate(pki.caCert);
    assert.equal(ca.subject, 'CN=kubernetes');
    assert.equal(ca.issuer, 'CN=kubernetes');
    assert.equal(ca.ca, true);
    assert.ok(ca.verify(ca.publicKey));
    assert.equal(ca.publicKey.asymmetricKeyType, 'ec');
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * 86400_000);
    assert.ok(years > 9.9 && years < 10.1, `CA validity ${years} years`);
    assert.ok(Date.parse(ca.validFrom) <= Date.now());
  });

  it('issues leaves signed by the CA, valid one year, keys matching', () => {
    const ca = new X509Certificate(pki.caCert);
    const pairs: [string, string][] = [
      [pki.serverCert, pki.serverKey],
      [pki.adminCert, pki.adminKey],
      [pki.superAdminCert, pki.superAdminKey],
    ];
    for (const [certPem, keyPem] of pairs) {
      const c = new X509Certificate(certPem);
      assert.ok(c.verify(ca.publicKey), c.subject);
      assert.ok(c.checkIssued(ca), c.subject);
      assert.equal(c.ca, false);
      assert.ok(c.checkPrivateKey(createPrivateKey(keyPem)), c.subject);
      assert.equal(c.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      const days = (Date.parse(c.validTo) - Date.parse(c.validFrom)) / 86400_000;
      assert.ok(days > 364 && days < 366, `${c.subject}: ${days} days`);
    }
  });

  it('gives the serving cert the kubeadm SANs plus the extra hosts', () => {
    const c = new X509Certificate(pki.serverCert);
    assert.equal(c.subject, 'CN=kube-apiserver');
    assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    const sans = (c.subjectAltName ?? '').split(', ');
    for (const dns of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'skiff.example.com']) {
      assert.ok(sans.includes(`DNS:${dns}`), dns);
    }
    for (const ip of ['127.0.0.1', '0:0:0:0:0:0:0:1', '10.96.0.1', '192.0.2.7']) assert.ok(sans.includes(`IP Address:${ip}`), ip);
    assert.ok(c.checkHost('kubernetes.default.svc'));
    assert.ok(c.checkIP('127.0.0.1'));
    assert.ok(c.checkIP('::1'));
  });

  it('makes the kubeadm v1.33 admin identities: admin in kubeadm:cluster-admins, super-admin in system:masters', () => {
    const admin = new X509Certificate(pki.adminCert);
    assert.equal(admin.subject, 'O=kubeadm:cluster-admins\nCN=kubernetes-admin');
    assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    const superAdmin = new X509Certificate(pki.superAdminCert);
    assert.equal(superAdmin.subject, 'O=system:masters\nCN=kubernetes-super-admin');
  });

  it('makes a matching service account key pair', () => {
    const derived = createPublicKey(createPrivateKey(pki.saKey)).export({ format: 'pem', type: 'spki' });
    assert.equal(derived, pki.saPub);
    assert.equal(createPrivateKey(pki.saKey).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('reuses the files on later calls', async () => {
    const again = await ensurePki(dir, ['skiff.example.com', '192.0.2.7']);
    assert.deepEqual(again, pki);
    // without the extra hosts the existing (wider) serving cert still does
    assert.deepEqual(await ensurePki(dir), pki);
  });

  it('shares one generation between concurrent calls', async () => {
    const d = tempDir();
    try {
      const [a, b] = await Promise.all([ensurePki(d), ensurePki(d)]);
      assert.deepEqual(a, b);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('reissues only what is missing, and a serving cert that lacks a requested host', async () => {
    const d = tempDir();
    try {
      const first = await ensurePki(d);
      unlinkSync(join(d, 'pki', 'admin.crt'));
      const second = await ensurePki(d);
      assert.equal(second.caCert, first.caCert);
      assert.equal(second.serverCert, first.serverCert);
      assert.notEqual(second.adminCert, first.adminCert);
      assert.ok(new X509Certificate(second.adminCert).verify(new X509Certificate(first.caCert).publicKey));

      const third = await ensurePki(d, ['new.example.com']);
      assert.equal(third.caCert, first.caCert);
      assert.notEqual(third.serverCert, first.serverCert);
      assert.ok(new X509Certificate(third.serverCert).checkHost('new.example.com'));
      assert.equal(third.saKey, first.saKey);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('replaces everything signed by a CA that is gone', async () => {
    const d = tempDir();
    try {
      const first = await ensurePki(d);
      unlinkSync(join(d, 'pki', 'ca.key'));
      const second = await ensurePki(d);
      assert.notEqual(second.caCert, first.caCert);
      const ca = new X509Certificate(second.caCert);
      for (const c of [second.serverCert, second.adminCert, second.superAdminCert]) assert.ok(new X509Certificate(c).verify(ca.publicKey));
      assert.equal(second.saKey, first.saKey, 'the service account key does not depend on the CA');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('issues client certificates for later use (kubelets)', async () => {
    const issued = await issueClientCert(pki, 'system:node:node-1', ['system:nodes']);
    const c = new X509Certificate(issued.cert);
    assert.ok(c.verify(new X509Certificate(pki.caCert).publicKey));
    assert.equal(c.subject, 'O=system:nodes\nCN=system:node:node-1');
    assert.ok(c.checkPrivateKey(createPrivateKey(issued.key)));
    const multi = new X509Certificate((await issueClientCert(pki, 'jane', ['dev', 'ops'])).cert);
    assert.deepEqual(identityFromPeerCertificate(multi.toLegacyObject()), { user: 'jane', groups: ['dev', 'ops'] });
    await assert.rejects(issueClientCert(pki, '', []), /common name/);
  });

  it('maps peer certificates to identities like the Kubernetes x509 authenticator', () => {
    assert.deepEqual(identityFromPeerCertificate({ subject: { CN: 'kubernetes-admin', O: 'kubeadm:cluster-admins' } }), { user: 'kubernetes-admin', groups: ['kubeadm:cluster-admins'] });
    assert.deepEqual(identityFromPeerCertificate({ subject: { CN: 'bob' } }), { user: 'bob', groups: [] });
    assert.deepEqual(identityFromPeerCertificate({ subject: { CN: 'bob', O: ['a', 'b'] } }), { user: 'bob', groups: ['a', 'b'] });
    assert.equal(identityFromPeerCertificate({ subject: { O: 'x' } }), undefined, 'empty CN');
    assert.equal(identityFromPeerCertificate({}), undefined, 'no certificate (getPeerCertificate() returns {})');
    assert.equal(identityFromPeerCertificate(undefined), undefined);
    assert.equal(identityFromPeerCertificate({ subject: { CN: 'kube-apiserver' }, ext_key_usage: ['1.3.6.1.5.5.7.3.1'] }), undefined, 'serving-only cert');
    assert.deepEqual(identityFromPeerCertificate({ subject: { CN: 'x' }, ext_key_usage: ['1.3.6.1.5.5.7.3.2'] }), { user: 'x', groups: [] });
  });

  describe('TLS with the generated certificates', () => {
    let server: https.Server;
    let port: number;
    let seen: { authorized: boolean; identity: ReturnType<typeof identityFromPeerCertificate> }[] = [];

    before(async () => {
      server = https.createServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
        const socket = req.socket as TLSSocket;
        const identity = socket.authorized ? identityFromPeerCertificate(socket.getPeerCertificate()) : undefined;
        seen.push({ authorized: socket.authorized, identity });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ major: '1', minor: '33', gitVersion: 'v1.33.0', authorized: socket.authorized, identity }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    const get = (host: string, opts: https.RequestOptions) =>
      new Promise<{ status: number; body: any }>((resolvePromise, reject) => {
        const req = https.request({ host, port, path: '/version', agent: false, ca: pki.caCert, ...opts }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
        });
        req.on('error', reject);
        req.end();
      });

    it('accepts the admin client certificate and names its user', async () => {
      seen = [];
      const r = await get('127.0.0.1', { cert: pki.adminCert, key: pki.adminKey });
      assert.equal(r.status, 200);
      assert.deepEqual(seen, [{ authorized: true, identity: { user: 'kubernetes-admin', groups: ['kubeadm:cluster-admins'] } }]);
    });

    it('sees a client without a certificate as unauthorized', async () => {
      seen = [];
      await get('127.0.0.1', {});
      assert.deepEqual(seen, [{ authorized: false, identity: undefined }]);
    });

    it('sees a client certificate from another CA as unauthorized', async () => {
      const other = await ensurePki(join(dir, 'other'));
      seen = [];
      await get('127.0.0.1', { cert: other.adminCert, key: other.adminKey });
      assert.equal(seen[0].authorized, false);
    });

    it('verifies the server as localhost and ::1 too', async () => {
      const r = await get('localhost', { servername: 'localhost', cert: pki.adminCert, key: pki.adminKey });
      assert.equal(r.status, 200);
    });

    it('works for the real kubectl through a written kubeconfig', { skip: existsSync(KUBECTL) ? false : 'kubectl not unpacked (.tools/kubectl/kubectl; npm run pretest)' }, async () => {
      const kubeconfig = join(dir, 'kubeconfig');
      await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${port}`, caCert: pki.caCert, clientCert: pki.adminCert, clientKey: pki.adminKey });
      seen = [];
      const out = await new Promise<string>((resolvePromise, reject) => {
        // asynchronously: the server runs in this process
        execFile(KUBECTL, ['--kubeconfig', kubeconfig, 'get', '--raw', '/version'], (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolvePromise(stdout)));
      });
      assert.equal(JSON.parse(out).gitVersion, 'v1.33.0');
      assert.equal(seen[0].authorized, true);
      assert.deepEqual(seen[0].identity, { user: 'kubernetes-admin', groups: ['kubeadm:cluster-admins'] });
    });
  });
});

describe('kubeconfig', () => {
  const opts = { server: 'https://127.0.0.1:6443', caCert: 'CA PEM\n', clientCert: 'CERT PEM\n', clientKey: 'KEY PEM\n' };

  it('renders the standard single-context shape', () => {
    const yaml = renderKubeconfig(opts);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assert.equal(
      yaml,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- cluster:',
        `    certificate-authority-data: ${b64('CA PEM\n')}`,
        '    server: https://127.0.0.1:6443',
        '  name: skiff',
        'contexts:',
        '- context:',
        '    cluster: skiff',
        '    user: skiff-admin',
        '  name: skiff',
        'current-context: skiff',
        'preferences: {}',
        'users:',
        '- name: skiff-admin',
        '  user:',
        `    client-certificate-data: ${b64('CERT PEM\n')}`,
        `    client-key-data: ${b64('KEY PEM\n')}`,
        '',
      ].join('\n'),
    );
  });

  it('parses back to the same values as YAML, quoting names that need it', async () => {
    const doc = YAML.parse(renderKubeconfig({ ...opts, context: 'yes', user: 'a user: x', cluster: '123', namespace: 'dev' }));
    assert.equal(doc['current-context'], 'yes');
    assert.equal(doc.contexts[0].context.user, 'a user: x');
    assert.equal(doc.contexts[0].context.cluster, '123');
    assert.equal(doc.contexts[0].context.namespace, 'dev');
    assert.equal(doc.clusters[0].name, '123');
    assert.equal(Buffer.from(doc.users[0].user['client-key-data'], 'base64').toString(), 'KEY PEM\n');
  });

  it('writes atomically with mode 0600, replacing an older file', async () => {
    const d = tempDir();
    try {
      const path = join(d, 'kubeconfig');
      writeFileSync(path, 'old', { mode: 0o644 });
      await writeKubeconfig(path, opts);
      assert.equal(readFileSync(path, 'utf8'), renderKubeconfig(opts));
      assert.equal(mode(path), 0o600);
      assert.deepEqual(readdirSync(d), ['kubeconfig'], 'no temp files left');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('is accepted by the real kubectl', { skip: existsSync(KUBECTL) ? false : 'kubectl not unpacked' }, async () => {
    const d = tempDir();
    try {
      const path = join(d, 'kubeconfig');
      await writeKubeconfig(path, opts);
      const out = execFileSync(KUBECTL, ['--kubeconfig', path, 'config', 'view', '-o', 'jsonpath={.current-context} {.clusters[0].cluster.server} {.contexts[0].context.user}']).toString();
      assert.equal(out, 'skiff https://127.0.0.1:6443 skiff-admin');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
