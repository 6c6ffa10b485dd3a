/**
 * Hostile and broken requests over raw HTTPS. Each must get the Status a v1.33 kube-apiserver gives
 * (code, reason, and where stable the message), and none may change what is stored. After all of
 * them the server still answers and the namespace holds exactly what it held before.
 *
 * Upstream sources (kubernetes v1.33, staging/src/k8s.io/apiserver/pkg/endpoints/handlers/):
 *   create.go / update.go / patch.go: body limit (413), decode errors via transformDecodeError (400),
 *   ValidateCreateOptions / ValidatePatchOptions -> errors.NewInvalid (422) for dryRun and fieldValidation,
 *   checkName (400), unsupported patch media type (415), applyJSPatch (400 decoding, 422 applying).
 *   get.go ListResource: label/field selector parse and field label conversion errors -> 400.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const NS = 'bad';
const CM_PATH = `/api/v1/namespaces/${NS}/configmaps`;
const DEPLOY_PATH = `/apis/apps/v1/namespaces/${NS}/deployments`;

interface Snapshot {
  configmaps: string[];
  deployments: string[];
  totalConfigMaps: number;
  namespaces: string[];
}

const deployment = (name: string, replicas: unknown = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

describe('bad input', { timeout: 120_000 }, () => {
  let c: TestCluster;
  let before0: Snapshot;

  async function snapshot(): Promise<Snapshot> {
    const cms = await c.json('GET', CM_PATH);
    const deps = await c.json('GET', DEPLOY_PATH);
    const all = await c.json('GET', '/api/v1/configmaps');
    const nss = await c.json('GET', '/api/v1/namespaces');
    for (const r of [cms, deps, all, nss]) assert.equal(r.status, 200, JSON.stringify(r.body));
    const ids = (l: any) => l.body.items.map((i: any) => `${i.metadata.namespace ?? ''}/${i.metadata.name}@${i.metadata.resourceVersion}`).sort();
    return { configmaps: ids(cms), deployments: ids(deps), totalConfigMaps: all.body.items.length, namespaces: ids(nss) };
  }

  /** Sends the request, checks the Status, and that the stored state did not move. */
  async function expectStatus(
    method: string,
    path: string,
    body: string | Buffer | undefined,
    headers: Record<string, string>,
    code: number,
    reason: string,
    message?: RegExp,
  ): Promise<any> {
    const r = await c.request(method, path, body, headers);
    if (method === 'POST' && r.status >= 200 && r.status < 300) {
      // accepted by mistake: remove what it created so the other cases still compare against the baseline
      const created = JSON.parse(r.body);
      await c.request('DELETE', `${path.split('?')[0]}/${created.metadata?.name}`);
      assert.fail(`${method} ${path}: expected ${code} ${reason}, got ${r.status} (object created, now deleted)`);
    }
    let s: any;
    try {
      s = JSON.parse(r.body);
    } catch {
      assert.fail(`${method} ${path}: expected a Status body, got ${r.status} ${r.body.slice(0, 300)}`);
    }
    assert.equal(r.status, code, `${method} ${path}: ${r.body.slice(0, 500)}`);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(s.kind, 'Status', r.body.slice(0, 300));
    assert.equal(s.apiVersion, 'v1');
    assert.equal(s.status, 'Failure');
    assert.equal(s.code, code);
    assert.equal(s.reason, reason, `${method} ${path}: ${r.body.slice(0, 500)}`);
    if (message) assert.match(s.message, message);
    assert.deepEqual(await snapshot(), before0, `${method} ${path} changed the stored state`);
    return s;
  }

  const json = { 'Content-Type': 'application/json' };

  before(async () => {
    c = await startTestCluster();
    assert.equal((await c.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })).status, 201);
    assert.equal((await c.json('POST', CM_PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' }, data: { a: '1' } })).status, 201);
    // replicas 0: the controllers settle it at once, so its resourceVersion stays put afterwards
    assert.equal((await c.json('POST', DEPLOY_PATH, deployment('keep', 0))).status, 201);
    // let anything the cluster does on its own for a new namespace (e.g. kube-root-ca.crt) settle
    before0 = await snapshot();
    for (let i = 0, stable = 0; i < 30 && stable < 3; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const again = await snapshot();
      stable = JSON.stringify(again) === JSON.stringify(before0) ? stable + 1 : 0;
      before0 = again;
    }
    assert.equal(before0.configmaps.filter((x) => x.startsWith(`${NS}/keep@`)).length, 1);
  });
  after(async () => {
    await c?.stop();
    c?.cleanup();
  });

  it('malformed JSON -> 400', async () => {
    await expectStatus('POST', CM_PATH, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"', json, 400, 'BadRequest');
    await expectStatus('POST', CM_PATH, 'not json at all', json, 400, 'BadRequest');
    await expectStatus('PUT', `${CM_PATH}/keep`, '{"apiVersion":', json, 400, 'BadRequest');
  });

  it('malformed YAML with Content-Type application/yaml -> 400', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n   bad: indent\n\t- [';
    await expectStatus('POST', CM_PATH, yaml, { 'Content-Type': 'application/yaml' }, 400, 'BadRequest');
  });

  it('a well-formed YAML body is accepted (control for the case above)', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-ok\ndata:\n  a: "1"\n';
    const r = await c.request('POST', CM_PATH, yaml, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 201, r.body);
    assert.equal((await c.json('DELETE', `${CM_PATH}/yaml-ok`)).status, 200);
    // the create and delete moved the total; take a new baseline
    before0 = await snapshot();
  });

  it('wrong types -> 400 cannot unmarshal', async () => {
    const s = await expectStatus('POST', DEPLOY_PATH, JSON.stringify(deployment('typed', 'three')), json, 400, 'BadRequest', /cannot unmarshal string/);
    // upstream: `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`
    assert.match(s.message, /^Deployment in version "v1" cannot be handled as a Deployment: /);
    assert.match(s.message, /spec\.replicas/);
    await expectStatus('POST', CM_PATH, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed' }, data: { a: 1 } }), json, 400, 'BadRequest', /cannot unmarshal number/);
    await expectStatus('POST', CM_PATH, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed', labels: ['x'] } }), json, 400, 'BadRequest', /cannot unmarshal array/);
  });

  it('a body over 3 MiB -> 413', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    await expectStatus('POST', CM_PATH, big, json, 413, 'RequestEntityTooLarge', /^Request entity too large: limit is 3145728$/);
  });

  it('absurd nesting (100k [) -> 400', async () => {
    await expectStatus('POST', CM_PATH, '['.repeat(100_000), json, 400, 'BadRequest');
    await expectStatus('POST', CM_PATH, '{"a":'.repeat(100_000), json, 400, 'BadRequest');
    await expectStatus('PATCH', `${CM_PATH}/keep`, '{"data":'.repeat(100_000), { 'Content-Type': 'application/merge-patch+json' }, 400, 'BadRequest');
  });

  it('invalid names -> 422 with a metadata.name cause', async () => {
    for (const name of ['Bad_Name', 'UPPER', '-leading', 'a'.repeat(254)]) {
      const s = await expectStatus('POST', CM_PATH, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }), json, 422, 'Invalid');
      assert.ok(
        s.details.causes.some((x: any) => x.field === 'metadata.name' && x.reason === 'FieldValueInvalid'),
        JSON.stringify(s),
      );
      assert.equal(s.details.kind, 'ConfigMap');
      assert.equal(s.details.name, name);
    }
    // Deployments are DNS-1123 subdomains too; a missing name is Required
    const s = await expectStatus('POST', DEPLOY_PATH, JSON.stringify({ ...deployment('x'), metadata: {} }), json, 422, 'Invalid');
    assert.ok(s.details.causes.some((x: any) => x.field === 'metadata.name' && x.reason === 'FieldValueRequired'), JSON.stringify(s));
  });

  it('body kind or apiVersion not matching the URL -> 400', async () => {
    await expectStatus('POST', CM_PATH, JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mismatch' } }), json, 400, 'BadRequest');
    await expectStatus('POST', CM_PATH, JSON.stringify({ apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'mismatch' } }), json, 400, 'BadRequest');
    await expectStatus('POST', DEPLOY_PATH, JSON.stringify({ ...deployment('mismatch'), apiVersion: 'apps/v1beta1' }), json, 400, 'BadRequest');
  });

  it('unknown resource paths -> 404', async () => {
    await expectStatus('GET', `/api/v1/namespaces/${NS}/foos`, undefined, {}, 404, 'NotFound', /^the server could not find the requested resource$/);
    await expectStatus('POST', `/api/v1/namespaces/${NS}/foos`, '{}', json, 404, 'NotFound');
    await expectStatus('GET', '/apis/nope.example.com/v1/things', undefined, {}, 404, 'NotFound');
    await expectStatus('GET', '/apis/apps/v1beta1/namespaces/default/deployments', undefined, {}, 404, 'NotFound');
    await expectStatus('GET', `${CM_PATH}/missing`, undefined, {}, 404, 'NotFound', /^configmaps "missing" not found$/);
  });

  it('bad JSON patches', async () => {
    const jp = { 'Content-Type': 'application/json-patch+json' };
    // an unknown op decodes, then fails to apply: 422 (applyJSPatch -> NewGenericServerResponse(422))
    await expectStatus('PATCH', `${CM_PATH}/keep`, '[{"op":"frobnicate","path":"/data/a","value":"2"}]', jp, 422, 'Invalid');
    // replace/remove of a missing path is an apply error too
    await expectStatus('PATCH', `${CM_PATH}/keep`, '[{"op":"remove","path":"/data/nothere"}]', jp, 422, 'Invalid');
    // a failed test op leaves the object alone
    await expectStatus('PATCH', `${CM_PATH}/keep`, '[{"op":"replace","path":"/data/a","value":"2"},{"op":"test","path":"/data/a","value":"1"}]', jp, 422, 'Invalid');
    // not an array: fails to decode -> 400
    await expectStatus('PATCH', `${CM_PATH}/keep`, '{"op":"replace","path":"/data/a","value":"2"}', jp, 400, 'BadRequest');
    await expectStatus('PATCH', `${CM_PATH}/keep`, '[{"op":', jp, 400, 'BadRequest');
  });

  it('a merge patch that is an array -> 400 (fieldValidation Warn/Strict decode it into a map first)', async () => {
    await expectStatus('PATCH', `${CM_PATH}/keep`, '[1,2]', { 'Content-Type': 'application/merge-patch+json' }, 400, 'BadRequest', /error decoding patch/);
    // with fieldValidation=Ignore the array replaces the document, which then fails to decode: 422 on field "patch"
    const s = await expectStatus('PATCH', `${CM_PATH}/keep?fieldValidation=Ignore`, '[1,2]', { 'Content-Type': 'application/merge-patch+json' }, 422, 'Invalid');
    assert.ok(s.details?.causes?.some((x: any) => x.field === 'patch'), JSON.stringify(s));
    // a strategic merge patch that is an array is refused as well
    const smp = await c.request('PATCH', `${CM_PATH}/keep`, '[1,2]', { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.ok(smp.status === 400 || smp.status === 422, smp.body);
    assert.deepEqual(await snapshot(), before0);
  });

  it('unsupported patch content type -> 415', async () => {
    const s = await expectStatus('PATCH', `${CM_PATH}/keep`, '{"data":{"a":"2"}}', { 'Content-Type': 'text/plain' }, 415, 'UnsupportedMediaType');
    assert.match(s.message, /application\/merge-patch\+json/);
    await expectStatus('PATCH', `${CM_PATH}/keep`, '{"data":{"a":"2"}}', { 'Content-Type': 'application/json' }, 415, 'UnsupportedMediaType');
  });

  it('server-side apply without fieldManager -> 422, force on a non-apply patch -> 422', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' }, data: { a: '2' } });
    const s = await expectStatus('PATCH', `${CM_PATH}/keep`, body, { 'Content-Type': 'application/apply-patch+yaml' }, 422, 'Invalid');
    assert.ok(s.details.causes.some((x: any) => x.field === 'fieldManager'), JSON.stringify(s));
    const f = await expectStatus('PATCH', `${CM_PATH}/keep?force=true`, '{"data":{"a":"2"}}', { 'Content-Type': 'application/merge-patch+json' }, 422, 'Invalid');
    assert.ok(f.details.causes.some((x: any) => x.field === 'force'), JSON.stringify(f));
  });

  it('bad label selector -> 400', async () => {
    await expectStatus('GET', `${CM_PATH}?labelSelector=a%20in%20(`, undefined, {}, 400, 'BadRequest');
    await expectStatus('GET', `${CM_PATH}?labelSelector=${encodeURIComponent('a=b=c')}`, undefined, {}, 400, 'BadRequest');
    await expectStatus('GET', `${CM_PATH}?labelSelector=${encodeURIComponent('Bad Key=x')}`, undefined, {}, 400, 'BadRequest');
  });

  it('bad field selector -> 400', async () => {
    // ConfigMaps: apimachinery runtime.DefaultMetaV1FieldSelectorConversion
    await expectStatus('GET', `${CM_PATH}?fieldSelector=${encodeURIComponent('spec.foo=bar')}`, undefined, {}, 400, 'BadRequest', /^"spec\.foo" is not a known field selector: only "metadata\.name", "metadata\.namespace"$/);
    // Pods register their own conversion (pkg/apis/core/v1/conversion.go): spec.nodeName is fine, spec.foo is not
    await expectStatus('GET', `/api/v1/namespaces/${NS}/pods?fieldSelector=${encodeURIComponent('spec.foo=bar')}`, undefined, {}, 400, 'BadRequest', /field label not supported: spec\.foo/);
    const ok = await c.json('GET', `/api/v1/namespaces/${NS}/pods?fieldSelector=${encodeURIComponent('spec.nodeName=x,status.phase=Running')}`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await expectStatus('GET', `${CM_PATH}?fieldSelector=metadata.name`, undefined, {}, 400, 'BadRequest');
    await expectStatus('GET', `${CM_PATH}?watch=true&fieldSelector=${encodeURIComponent('spec.foo=bar')}`, undefined, {}, 400, 'BadRequest');
  });

  it('dryRun=Foo -> 422 (ValidateCreateOptions: dryRun Unsupported value)', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } });
    const s = await expectStatus('POST', `${CM_PATH}?dryRun=Foo`, body, json, 422, 'Invalid', /^CreateOptions\.meta\.k8s\.io "" is invalid: dryRun: Unsupported value/);
    assert.ok(s.details.causes.some((x: any) => x.field === 'dryRun' && x.reason === 'FieldValueNotSupported'), JSON.stringify(s));
    await expectStatus('PATCH', `${CM_PATH}/keep?dryRun=Foo`, '{"data":{"a":"2"}}', { 'Content-Type': 'application/merge-patch+json' }, 422, 'Invalid', /^PatchOptions\.meta\.k8s\.io "" is invalid: dryRun/);
    await expectStatus('DELETE', `${CM_PATH}/keep?dryRun=Foo`, undefined, {}, 422, 'Invalid', /DeleteOptions\.meta\.k8s\.io "" is invalid: dryRun/);
  });

  it('fieldValidation=Bogus -> 422 (ValidateCreateOptions: fieldValidation Unsupported value)', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fv' } });
    const s = await expectStatus('POST', `${CM_PATH}?fieldValidation=Bogus`, body, json, 422, 'Invalid', /^CreateOptions\.meta\.k8s\.io "" is invalid: fieldValidation: Unsupported value: "Bogus"/);
    assert.ok(s.details.causes.some((x: any) => x.field === 'fieldValidation'), JSON.stringify(s));
  });

  it('fieldValidation=Strict rejects unknown and duplicate fields -> 400', async () => {
    await expectStatus(
      'POST',
      `${CM_PATH}?fieldValidation=Strict`,
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, bogus: 1 }),
      json,
      400,
      'BadRequest',
      /^ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"$/,
    );
    await expectStatus(
      'POST',
      `${CM_PATH}?fieldValidation=Strict`,
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"immutable":false,"immutable":false}',
      json,
      400,
      'BadRequest',
      /^ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "immutable"$/,
    );
  });

  it('PUT with a stale resourceVersion -> 409 Conflict', async () => {
    const cur = await c.json('GET', `${CM_PATH}/keep`);
    const stale = { ...cur.body, metadata: { ...cur.body.metadata, resourceVersion: '1' }, data: { a: 'stale' } };
    await expectStatus('PUT', `${CM_PATH}/keep`, JSON.stringify(stale), json, 409, 'Conflict', /^Operation cannot be fulfilled on configmaps "keep": the object has been modified; please apply your changes to the latest version and try again$/);
    // a resourceVersion in a merge patch is a precondition too
    await expectStatus('PATCH', `${CM_PATH}/keep`, '{"metadata":{"resourceVersion":"1"},"data":{"a":"stale"}}', { 'Content-Type': 'application/merge-patch+json' }, 409, 'Conflict');
  });

  it('PUT whose name does not match the URL -> 400', async () => {
    const cur = await c.json('GET', `${CM_PATH}/keep`);
    const renamed = { ...cur.body, metadata: { ...cur.body.metadata, name: 'other' } };
    await expectStatus('PUT', `${CM_PATH}/keep`, JSON.stringify(renamed), json, 400, 'BadRequest', /^the name of the object \(other\) does not match the name on the URL \(keep\)$/);
    // namespace mismatch with the URL is refused as well
    const elsewhere = { ...cur.body, metadata: { ...cur.body.metadata, namespace: 'default' } };
    await expectStatus('PUT', `${CM_PATH}/keep`, JSON.stringify(elsewhere), json, 400, 'BadRequest', /does not match the namespace/);
  });

  it('PUT of an object that does not exist -> 404 for kinds that do not allow create on update', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ghost' }, data: { a: '1' } });
    await expectStatus('PUT', `${CM_PATH}/ghost`, body, json, 404, 'NotFound', /^configmaps "ghost" not found$/);
  });

  it('an object in a namespace that does not exist -> 404', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lost' } });
    const s = await expectStatus('POST', '/api/v1/namespaces/nope/configmaps', body, json, 404, 'NotFound', /^namespaces "nope" not found$/);
    assert.equal(s.details.name, 'nope');
    assert.equal(s.details.kind, 'namespaces');
    await expectStatus('POST', '/apis/apps/v1/namespaces/nope/deployments', JSON.stringify(deployment('lost')), json, 404, 'NotFound', /^namespaces "nope" not found$/);
  });

  it('the server still answers and the namespace is unchanged', async () => {
    const h = await c.request('GET', '/healthz');
    assert.equal(h.status, 200);
    assert.equal(h.body, 'ok');
    assert.deepEqual(await snapshot(), before0);
    const keep = await c.json('GET', `${CM_PATH}/keep`);
    assert.deepEqual(keep.body.data, { a: '1' });
    // and it still takes ordinary writes
    const ok = await c.json('POST', CM_PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });
});
