import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffTuning, PodWorker } from '../../server/kubelet/podworker.js';
import { SimulatedRuntime } from '../../server/kubelet/simulated.js';
import type { KubeObject } from '../../server/registry/types.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a crashing container waits out its back-off however often the pod is synced', async () => {
  const saved = { ...backoffTuning };
  backoffTuning.createDelayMs = 0;
  backoffTuning.initialMs = 60_000;
  try {
    const runtime = new SimulatedRuntime();
    const worker = new PodWorker({ runtime, nodeName: 'n', hostIP: '172.18.0.2', wakeAt: () => {}, event: () => {} }, 'uid-1', '10.244.0.2');
    const pod: KubeObject = {
      metadata: { name: 'crasher', namespace: 'default', uid: 'uid-1', annotations: { 'sim.skiff.dev/exit-code': '1', 'sim.skiff.dev/exit-after': '0s' } },
      spec: { restartPolicy: 'Always', containers: [{ name: 'app', image: 'busybox' }] },
    };
    await worker.sync(pod); // schedules the (zero-delay) image pull
    await worker.sync(pod); // starts the container, which exits at once
    await tick(5);
    let status = await worker.sync(pod); // sees the exit: restart count 1, back-off begins
    for (let i = 0; i < 5; i++) status = await worker.sync(pod); // e.g. its own status writes
    const c = status.containerStatuses[0];
    assert.equal(c.restartCount, 1);
    assert.equal(c.state.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(c.lastState.terminated.exitCode, 1);
  } finally {
    Object.assign(backoffTuning, saved);
  }
});
