import { test } from 'node:test';
import assert from 'node:assert/strict';
import { feasibleNodesToFind } from '../../server/scheduler/scheduler.js';
import { insufficient } from '../../server/scheduler/plugins.js';
import type { NodeInfo } from '../../server/scheduler/state.js';

test('feasible nodes to find follow upstream adaptive percentage', () => {
  assert.equal(feasibleNodesToFind(3), 3);
  assert.equal(feasibleNodesToFind(99), 99);
  assert.equal(feasibleNodesToFind(1000), 420, '42% of 1000');
  assert.equal(feasibleNodesToFind(5000), 500, '10% of 5000');
  assert.equal(feasibleNodesToFind(100000), 5000, 'never below 5%');
  assert.equal(feasibleNodesToFind(150), 100, 'never below 100 nodes');
});

test('insufficient names every resource short on a node, in upstream words', () => {
  const node: NodeInfo = { node: { metadata: { name: 'n' } }, allocatable: { cpu: 1000, memory: 1024, pods: 1 }, requested: { cpu: 900 }, podCount: 1, pods: [], hostPorts: new Set() };
  assert.equal(insufficient(node, [['cpu', 200], ['memory', 512]]), 'Too many pods\nInsufficient cpu');
  assert.equal(insufficient({ ...node, podCount: 0 }, [['cpu', 100]]), undefined);
  assert.equal(insufficient({ ...node, podCount: 0 }, [['nvidia.com/gpu', 1]]), 'Insufficient nvidia.com/gpu');
});
