/**
 * A kubeconfig with one cluster, one user and one context, the shape `kubeadm` writes to
 * admin.conf and `kubectl config view --raw` prints: certificates embedded as base64 `*-data`
 * fields, `current-context` set. Written atomically (temp file + fsync + rename) with mode 0600,
 * since it holds a private key.
 *
 * The YAML is rendered by hand: the structure is fixed and every value is either base64 or a
 * name, so a YAML library would only add start-up time.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';

export interface KubeconfigOptions {
  /** API server URL, e.g. https://127.0.0.1:6443 */
  server: string;
  /** PEM */
  caCert: string;
  /** PEM */
  clientCert: string;
  /** PEM */
  clientKey: string;
  /** context name; default "skiff" */
  context?: string;
  /** user (AuthInfo) name; default "skiff-admin" */
  user?: string;
  /** cluster name; default "skiff" */
  cluster?: string;
  /** the context's default namespace; omitted when unset */
  namespace?: string;
}

export function renderKubeconfig(opts: KubeconfigOptions): string {
  const context = opts.context ?? 'skiff';
  const user = opts.user ?? 'skiff-admin';
  const cluster = opts.cluster ?? 'skiff';
  const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(opts.caCert)}`,
    `    server: ${scalar(opts.server)}`,
    `  name: ${scalar(cluster)}`,
    'contexts:',
    '- context:',
    `    cluster: ${scalar(cluster)}`,
    ...(opts.namespace ? [`    namespace: ${scalar(opts.namespace)}`] : []),
    `    user: ${scalar(user)}`,
    `  name: ${scalar(context)}`,
    `current-context: ${scalar(context)}`,
    'preferences: {}',
    'users:',
    `- name: ${scalar(user)}`,
    '  user:',
    `    client-certificate-data: ${b64(opts.clientCert)}`,
    `    client-key-data: ${b64(opts.clientKey)}`,
  ];
  return lines.join('\n') + '\n';
}

/** Writes the kubeconfig to `path` atomically, mode 0600. */
export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  const data = renderKubeconfig(opts);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.chmod(0o600);
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

/**
 * A YAML scalar that every YAML 1.1 / 1.2 parser (kubectl's is YAML 1.1) reads back as the same
 * string: plain when it starts with a letter and holds only URL-ish characters and is no YAML 1.1
 * boolean or null; double-quoted (JSON string syntax is valid YAML) otherwise.
 */
function scalar(s: string): string {
  const plain = /^[A-Za-z][A-Za-z0-9._/:@+-]*$/.test(s) && !/:$/.test(s) && !/^(y|yes|n|no|true|false|on|off|null)$/i.test(s);
  return plain ? s : JSON.stringify(s);
}
