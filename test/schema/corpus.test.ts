/**
 * "Strict validation never rejects a valid v1.33 manifest": every manifest of the kubernetes/examples
 * corpus whose apiVersion/kind is served decodes with no unknown field and no type error — except the
 * few that a real v1.33 server rejects too (listed below with the reason and the exact finding).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { checkDecode } from '../../server/registry/schema/decode.js';
import { definitionForGVK } from '../../server/registry/schema/index.js';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'kubernetes-examples');

/** Manifests that are not valid for v1.33 as written; a v1.33 server with fieldValidation=Strict rejects them the same way. */
const KNOWN_INVALID: Record<string, { reason: string; unknown?: string[]; typeError?: string }> = {
  '_archived/volumes/fibre_channel/fc.yaml#Pod': {
    reason: 'placeholder "<ADD LUN ID Here>" where an int32 belongs',
    typeError: 'json: cannot unmarshal string into Go struct field FCVolumeSource.spec.volumes.fc.lun of type int32',
  },
  '_archived/volumes/rbd/rbd.yaml#Pod': {
    reason: 'imageformat/imagefeatures are StorageClass parameters, not RBDVolumeSource fields',
    unknown: ['spec.volumes[0].rbd.imageformat', 'spec.volumes[0].rbd.imagefeatures'],
  },
  '_archived/volumes/scaleio/pod.yaml#Pod': { reason: 'typo: protectionDoamin', unknown: ['spec.volumes[0].scaleIO.protectionDoamin'] },
  '_archived/volumes/storageos/storageos-pod.yaml#Pod': { reason: 'StorageOSVolumeSource has no pool field', unknown: ['spec.volumes[0].storageos.pool'] },
  '_archived/volumes/storageos/storageos-pv.yaml#PersistentVolume': {
    reason: 'StorageOSPersistentVolumeSource takes secretRef, not secretName',
    unknown: ['spec.storageos.secretName'],
  },
};

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.(ya?ml|json)$/.test(f)) out.push(p);
  }
  return out.sort();
}

test('served manifests of the kubernetes/examples corpus decode strictly', { skip: !existsSync(CORPUS) && 'corpus not present' }, () => {
  let checked = 0;
  let notServed = 0;
  let templates = 0;
  let unparsable = 0;
  const failures: string[] = [];
  const seenInvalid = new Set<string>();
  for (const file of yamlFiles(CORPUS)) {
    const rel = relative(CORPUS, file);
    const text = readFileSync(file, 'utf8');
    // kubectl reads YAML 1.1 (sigs.k8s.io/yaml): yes/no/on/off are booleans, 0644 is octal.
    const docs = parseAllDocuments(text, { version: '1.1' });
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      if (d.errors.length) {
        unparsable++; // duplicate keys and the like: kubectl refuses these files before any request
        continue;
      }
      if (/\{\{.*\}\}/.test(text.slice(d.range[0], d.range[2]))) {
        templates++; // a template to render, not a manifest
        continue;
      }
      const o = d.toJSON();
      for (const obj of o?.kind === 'List' && Array.isArray(o.items) ? o.items : [o]) {
        if (!obj || typeof obj !== 'object' || !obj.apiVersion || !obj.kind) continue;
        const [group, version] = String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/') : ['', String(obj.apiVersion)];
        const def = definitionForGVK({ group, version, kind: obj.kind });
        if (!def || obj.kind.endsWith('List')) {
          notServed++;
          continue;
        }
        checked++;
        const r = checkDecode(obj, def);
        const key = `${rel}#${obj.kind}`;
        const known = KNOWN_INVALID[key];
        if (known) {
          seenInvalid.add(key);
          assert.deepEqual(r.unknown, known.unknown ?? [], key);
          assert.equal(r.typeError, known.typeError, key);
          continue;
        }
        if (r.unknown.length || r.typeError) failures.push(`${key}: ${JSON.stringify(r)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.deepEqual([...seenInvalid].sort(), Object.keys(KNOWN_INVALID).sort(), 'every known-invalid manifest is still in the corpus');
  assert.ok(checked >= 240, `checked ${checked}`);
  console.log(`corpus: ${checked} served manifests checked (${checked - seenInvalid.size} clean, ${seenInvalid.size} invalid as upstream), ${notServed} not served, ${templates} templates, ${unparsable} unparsable documents`);
});
