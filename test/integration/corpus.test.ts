/**
 * The kubernetes/examples corpus as an oracle (../shared/corpus, read-only; see its README).
 *
 * Every file goes through the real `kubectl apply --dry-run=server -f <file>` (one call per file).
 * Each document is classified:
 *   served   - its apiVersion is served by a v1.33 kube-apiserver: it must be accepted;
 *   removed  - a built-in group at a version v1.33 no longer serves (extensions/v1beta1, apps/v1beta1,
 *              policy/v1beta1, ...): kubectl must refuse it with `no matches for kind "X" in version "Y"`;
 *   cr       - a custom resource whose CRD is not installed: refused the same way;
 *   skipped  - no apiVersion/kind (application config files), or the file is a template, not a manifest.
 * Namespaces the corpus puts objects in are created first, as a user would (dry-run does not create them).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT, startTestCluster, type RunResult, type TestCluster } from '../helpers/cluster.js';

import { DEFAULT_GROUP_VERSIONS } from './fixtures/group-versions.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'kubernetes-examples');

const SERVED = new Set(DEFAULT_GROUP_VERSIONS);

/** Built-in groups: any other version of these is a removed (or never default-enabled) API. */
const BUILTIN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'settings.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * Served-kind documents a real v1.33 server rejects too. Key: `<file relative to the corpus>#<Kind>/<name>`;
 * `expect` is what the rejection must say (so a different failure is not hidden), `reason` why upstream
 * rejects it. Every entry must actually be rejected, so the list cannot go stale silently.
 */
const LEGITIMATELY_INVALID: Record<string, { expect: RegExp; reason: string }> = {
  '_archived/sysdig-cloud/sysdig-rc.yaml#ReplicationController/sysdig-agent': {
    expect: /spec\.selector: Required value/,
    reason: 'no selector and no template labels to default it from (core/validation ValidateReplicationControllerSpec: ValidateNonEmptySelector)',
  },
  '_archived/volumes/aws_ebs/aws-ebs-web.yaml#Pod/aws-web': {
    expect: /spec\.containers\[0\]\.ports\[0\]\.protocol: Unsupported value: "tcp"/,
    reason: 'protocol "tcp": port protocols are case-sensitive TCP/UDP/SCTP (core/validation validateContainerPorts)',
  },
  '_archived/volumes/cinder/cinder-web.yaml#Pod/cinder-web': {
    expect: /spec\.containers\[0\]\.ports\[0\]\.protocol: Unsupported value: "tcp"/,
    reason: 'protocol "tcp", as above',
  },
  '_archived/volumes/fibre_channel/fc.yaml#Pod/fibre-channel-example-pod': {
    expect: /cannot unmarshal string into Go struct field FCVolumeSource\.spec\.volumes\.fc\.lun of type int32/,
    reason: 'a "<ADD LUN ID Here>" placeholder where FCVolumeSource.lun is an int32: the JSON decode fails (400)',
  },
  '_archived/volumes/rbd/rbd.yaml#Pod/rbd': {
    expect: /strict decoding error: unknown field "spec\.volumes\[0\]\.rbd\.image(features|format)"/,
    reason: 'imageformat/imagefeatures are StorageClass parameters, not RBDVolumeSource fields: kubectl sends fieldValidation=Strict',
  },
  '_archived/volumes/scaleio/pod.yaml#Pod/pod-0': {
    expect: /strict decoding error: unknown field "spec\.volumes\[0\]\.scaleIO\.protectionDoamin"/,
    reason: 'typo "protectionDoamin" (ScaleIOVolumeSource.protectionDomain), an unknown field under fieldValidation=Strict',
  },
  '_archived/volumes/storageos/storageos-pod.yaml#Pod/test-storageos-redis': {
    expect: /strict decoding error: unknown field "spec\.volumes\[0\]\.storageos\.pool"/,
    reason: 'StorageOSVolumeSource has no "pool" (a StorageClass parameter): unknown field under fieldValidation=Strict',
  },
  '_archived/volumes/storageos/storageos-pv.yaml#PersistentVolume/pv0001': {
    expect: /strict decoding error: unknown field "spec\.storageos\.secretName"/,
    reason: 'StorageOSPersistentVolumeSource has secretRef, not secretName: unknown field under fieldValidation=Strict',
  },
};

type Class = 'served' | 'removed' | 'cr';

interface Doc {
  file: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  cls: Class;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

function classify(apiVersion: string): Class {
  if (SERVED.has(apiVersion)) return 'served';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return BUILTIN_GROUPS.has(group) ? 'removed' : 'cr';
}

/** What kubectl prints for an applied object: `deployment.apps/name`, `service/name`. */
function printedName(d: Doc): string {
  const group = d.apiVersion.includes('/') ? d.apiVersion.split('/')[0] : '';
  return `${d.kind.toLowerCase()}${group ? `.${group}` : ''}/${d.name}`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Plan {
  files: { path: string; rel: string; docs: Doc[] }[];
  skippedDocs: number;
  skippedFiles: string[];
}

function plan(): Plan {
  const p: Plan = { files: [], skippedDocs: 0, skippedFiles: [] };
  for (const path of walk(CORPUS)) {
    const rel = relative(CORPUS, path);
    const name = basename(path);
    const text = readFileSync(path, 'utf8');
    if (/^kustomization\.ya?ml$/.test(name) || /^values.*\.ya?ml$/.test(name)) {
      p.skippedFiles.push(`${rel} (kustomization/values)`);
      continue;
    }
    // Go/Jinja templates ({{ ... }}) are rendered by a tool before they reach a cluster
    if (/\{\{.*\}\}/.test(text)) {
      p.skippedFiles.push(`${rel} (template)`);
      continue;
    }
    const docs: Doc[] = [];
    for (const d of parseAllDocuments(text, { uniqueKeys: false })) {
      let o: any;
      try {
        o = d.toJS({ maxAliasCount: -1 });
      } catch {
        o = undefined;
      }
      if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
        if (o !== null && o !== undefined) p.skippedDocs++;
        continue;
      }
      docs.push({ file: rel, apiVersion: o.apiVersion, kind: o.kind, name: String(o.metadata?.name ?? ''), namespace: o.metadata?.namespace, cls: classify(o.apiVersion) });
    }
    if (docs.length === 0) {
      p.skippedFiles.push(`${rel} (no apiVersion/kind)`);
      continue;
    }
    p.files.push({ path, rel, docs });
  }
  return p;
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

describe('kubernetes/examples corpus through kubectl apply --dry-run=server', { timeout: 240_000 }, () => {
  let c: TestCluster;
  const p = plan();

  before(async () => {
    c = await startTestCluster();
    // The namespaces the corpus puts served objects in. A real cluster refuses objects in a missing
    // namespace as well, and a dry-run of the corpus' own Namespace documents creates nothing.
    const needed = new Set<string>();
    for (const f of p.files) for (const d of f.docs) if (d.cls === 'served' && d.namespace && !SYSTEM_NAMESPACES.has(d.namespace)) needed.add(d.namespace);
    const nsDocs = [...needed].map((ns) => JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).join('\n');
    if (nsDocs) {
      const r = await c.kubectl(['apply', '-f', '-'], nsDocs);
      assert.equal(r.code, 0, r.stderr);
    }
    // warm kubectl's discovery cache once rather than in every parallel call
    const r = await c.kubectl(['api-resources', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('accepts every served document and refuses every removed or CRD-less one', async () => {
    const results = await pool(p.files, 4, (f) => c.kubectl(['apply', '--dry-run=server', '-f', f.path]));

    let accepted = 0;
    let rejectedAsExpected = 0;
    const wronglyRejected: string[] = [];
    const wronglyAccepted: string[] = [];
    const allowListed: string[] = [];
    const staleAllowList = new Set(Object.keys(LEGITIMATELY_INVALID));

    p.files.forEach((f, i) => {
      const r: RunResult = results[i];
      const outLines = r.stdout.split('\n');
      const errLines = r.stderr.split('\n');
      for (const d of f.docs) {
        const key = `${d.file}#${d.kind}/${d.name}`;
        const ok = new RegExp(`^${escapeRe(printedName(d))} (created|configured|unchanged|serverside-applied) \\(server dry run\\)$`);
        const wasAccepted = d.name !== '' && outLines.some((l) => ok.test(l));
        if (d.cls === 'served') {
          if (wasAccepted) {
            accepted++;
            if (key in LEGITIMATELY_INVALID) wronglyAccepted.push(`${key}: allow-listed as invalid (${LEGITIMATELY_INVALID[key].reason}) but accepted`);
            continue;
          }
          if (key in LEGITIMATELY_INVALID && LEGITIMATELY_INVALID[key].expect.test(r.stderr)) {
            staleAllowList.delete(key);
            allowListed.push(key);
            continue;
          }
          const why = errLines.filter((l) => (d.name && l.includes(`"${d.name}"`)) || l.includes(d.kind)).join(' | ') || r.stderr.trim() || `exit ${r.code}, no output line for ${printedName(d)}`;
          wronglyRejected.push(`${key}: ${why}`);
        } else {
          const expected = `no matches for kind "${d.kind}" in version "${d.apiVersion}"`;
          if (errLines.some((l) => l.includes(expected)) && !wasAccepted) rejectedAsExpected++;
          else wronglyAccepted.push(`${key} (${d.cls} ${d.apiVersion}): expected "${expected}"; stdout: ${r.stdout.trim()} stderr: ${r.stderr.trim()}`);
        }
      }
    });
    for (const key of staleAllowList) if (!allowListed.includes(key) && !wronglyRejected.some((w) => w.startsWith(`${key}:`))) wronglyAccepted.push(`${key}: allow-list entry matches no document`);

    const removed = p.files.flatMap((f) => f.docs).filter((d) => d.cls !== 'served').length;
    console.log(
      `corpus: ${p.files.length} files applied; ${accepted} documents accepted, ${rejectedAsExpected} of ${removed} rejected as expected (removed API or no CRD), ` +
        `${allowListed.length} allow-listed as invalid for v1.33, ${wronglyRejected.length} wrongly rejected; ` +
        `skipped: ${p.skippedDocs} documents without apiVersion/kind, ${p.skippedFiles.length} files (${p.skippedFiles.join(', ')})`,
    );
    const problems = [
      ...(wronglyRejected.length ? [`${wronglyRejected.length} served-kind documents rejected:`, ...wronglyRejected] : []),
      ...(wronglyAccepted.length ? [`${wronglyAccepted.length} documents not refused the way v1.33 refuses them:`, ...wronglyAccepted] : []),
    ];
    assert.deepEqual(problems, [], problems.join('\n'));
    assert.ok(accepted > 200, `only ${accepted} documents accepted`);
  });
});
