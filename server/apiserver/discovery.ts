/**
 * Discovery documents from the registry: the aggregated v2 form kubectl and helm ask for first,
 * and the legacy per-group/per-version lists the scale client and older clients read.
 * Built once per registry generation and served as pre-serialised JSON with an ETag.
 */
import { createHash } from 'node:crypto';
import { Registry } from '../registry/registry.js';
import type { KindDef } from '../registry/types.js';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

export interface Doc {
  json: string;
  etag: string;
}

function doc(value: unknown): Doc {
  const json = JSON.stringify(value);
  return { json, etag: `"${createHash('sha256').update(json).digest('hex').slice(0, 32)}"` };
}

function verbsOf(def: KindDef): string[] {
  return def.verbs ?? ALL_VERBS;
}

function subresourcesOf(def: KindDef): { name: string; group: string; version: string; kind: string; verbs: string[] }[] {
  const out: { name: string; group: string; version: string; kind: string; verbs: string[] }[] = [];
  const sub = def.subresources ?? {};
  if (sub.status) out.push({ name: 'status', group: def.group, version: def.version, kind: def.kind, verbs: SUBRESOURCE_VERBS });
  if (sub.scale) out.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUBRESOURCE_VERBS });
  for (const e of sub.extra ?? []) out.push({ name: e.name, group: e.kind.group, version: e.kind.version, kind: e.kind.kind, verbs: e.verbs });
  return out;
}

export class Discovery {
  private cachedFor = -1;
  private aggregatedCore!: Doc;
  private aggregatedApis!: Doc;
  private apiVersions!: Doc;
  private apiGroupList!: Doc;
  private resourceLists = new Map<string, Doc>();
  private groupDocs = new Map<string, Doc>();

  constructor(private registry: Registry) {}

  private refresh(): void {
    if (this.cachedFor === this.registry.generation) return;
    const groups = this.registry.groups();
    const aggregatedItems = groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: this.registry.kindsOf(g.group, v).map((d) => {
          const r: Record<string, unknown> = {
            resource: d.plural,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: d.singular,
            verbs: verbsOf(d),
          };
          if (d.shortNames?.length) r.shortNames = d.shortNames;
          if (d.categories?.length) r.categories = d.categories;
          const subs = subresourcesOf(d);
          if (subs.length) {
            r.subresources = subs.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs }));
          }
          return r;
        }),
        freshness: 'Current',
      })),
    }));
    const list = (items: unknown[]) => ({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items });
    this.aggregatedCore = doc(list(aggregatedItems.filter((i) => i.metadata.name === '')));
    this.aggregatedApis = doc(list(aggregatedItems.filter((i) => i.metadata.name !== '')));

    this.apiVersions = doc({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] });
    const groupObjs = groups
      .filter((g) => g.group !== '')
      .map((g) => ({
        name: g.group,
        versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${g.group}/${g.versions[0]}`, version: g.versions[0] },
      }));
    this.apiGroupList = doc({ kind: 'APIGroupList', apiVersion: 'v1', groups: groupObjs });
    this.groupDocs.clear();
    for (const g of groupObjs) this.groupDocs.set(g.name, doc({ kind: 'APIGroup', apiVersion: 'v1', ...g }));

    this.resourceLists.clear();
    for (const g of groups) {
      for (const v of g.versions) {
        const resources: unknown[] = [];
        for (const d of this.registry.kindsOf(g.group, v)) {
          const r: Record<string, unknown> = {
            name: d.plural,
            singularName: d.singular,
            namespaced: d.namespaced,
            kind: d.kind,
            verbs: verbsOf(d),
          };
          if (d.shortNames?.length) r.shortNames = d.shortNames;
          if (d.categories?.length) r.categories = d.categories;
          resources.push(r);
          for (const s of subresourcesOf(d)) {
            const sr: Record<string, unknown> = { name: `${d.plural}/${s.name}`, singularName: '', namespaced: d.namespaced, kind: s.kind, verbs: s.verbs };
            if (s.group !== d.group || s.version !== d.version) {
              sr.group = s.group;
              sr.version = s.version;
            }
            resources.push(sr);
          }
        }
        const gv = g.group ? `${g.group}/${v}` : v;
        this.resourceLists.set(gv, doc({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources }));
      }
    }
    this.cachedFor = this.registry.generation;
  }

  /** `/api` or `/apis`, in the form the Accept header asks for. */
  root(which: 'api' | 'apis', accept: string): { doc: Doc; contentType: string } {
    this.refresh();
    const wantsAggregated = accept.includes('as=APIGroupDiscoveryList');
    if (wantsAggregated) {
      const v2 = /v=v2(?!beta)/.test(accept) || !accept.includes('v=v2beta1');
      return { doc: which === 'api' ? this.aggregatedCore : this.aggregatedApis, contentType: v2 ? AGGREGATED_V2 : AGGREGATED_V2BETA1 };
    }
    return { doc: which === 'api' ? this.apiVersions : this.apiGroupList, contentType: 'application/json' };
  }

  group(name: string): Doc | undefined {
    this.refresh();
    return this.groupDocs.get(name);
  }

  resourceList(groupVersion: string): Doc | undefined {
    this.refresh();
    return this.resourceLists.get(groupVersion);
  }
}

