/**
 * Test fixtures: KindDefs for every built-in kind the definitions know, derived from their
 * x-kubernetes-group-version-kind (the registry's real KindDefs live in server/registry/kinds).
 */
import { getDefinitions } from '../../server/registry/schema/index.js';
import type { KindDef } from '../../server/registry/types.js';

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'PriorityClass', 'CustomResourceDefinition', 'IngressClass', 'IPAddress', 'ServiceCIDR',
]);
const NO_LIST = new Set(['Binding', 'Scale', 'Eviction', 'TokenRequest', 'Status', 'DeleteOptions', 'WatchEvent']);

function plural(kind: string): string {
  const l = kind.toLowerCase();
  if (l.endsWith('s')) return `${l}es`;
  if (l.endsWith('y')) return `${l.slice(0, -1)}ies`;
  return `${l}s`;
}

export function builtinKindDefs(): KindDef[] {
  const out: KindDef[] = [];
  for (const [name, s] of Object.entries(getDefinitions())) {
    const gvks = s['x-kubernetes-group-version-kind'];
    if (!gvks || gvks.length !== 1) continue;
    const { group, version, kind } = gvks[0];
    if (kind.endsWith('List') || NO_LIST.has(kind)) continue;
    const def: KindDef = {
      group,
      version,
      kind,
      plural: kind === 'Endpoints' ? 'endpoints' : plural(kind),
      singular: kind.toLowerCase(),
      namespaced: !CLUSTER_SCOPED.has(kind),
      definition: name,
      columns: [],
      strategy: { row: () => [] },
    };
    if (['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController'].includes(kind)) {
      def.subresources = { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } };
    } else if (s.properties?.status) {
      def.subresources = { status: true };
    }
    if (kind === 'Pod' && group === '') {
      def.subresources = {
        status: true,
        extra: [
          { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
          { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
          { name: 'log', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
        ],
      };
    }
    out.push(def);
  }
  return out;
}
