import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queueTuning, WorkQueue } from '../../server/client/workqueue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('repeated adds collapse and a key is never handled twice at once', async () => {
  let running = 0;
  let maxRunning = 0;
  const seen: string[] = [];
  const q = new WorkQueue(async (k) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    seen.push(k);
    await tick(5);
    running--;
  }, 4);
  q.add('a');
  q.add('a');
  q.add('a');
  await tick(20);
  assert.deepEqual(seen, ['a']);
  assert.equal(maxRunning, 1);
  q.stop();
});

test('a key added while it is being handled runs again afterwards', async () => {
  const seen: string[] = [];
  let release!: () => void;
  const q = new WorkQueue(async (k) => {
    seen.push(k);
    if (seen.length === 1) await new Promise<void>((r) => (release = r));
  });
  q.add('x');
  await tick();
  q.add('x');
  await tick();
  assert.deepEqual(seen, ['x'], 'not re-entered while running');
  release();
  await tick(5);
  assert.deepEqual(seen, ['x', 'x']);
  q.stop();
});

test('failures are retried with back-off until they succeed', async () => {
  const saved = queueTuning.baseDelayMs;
  queueTuning.baseDelayMs = 1;
  let calls = 0;
  const q = new WorkQueue(async () => {
    calls++;
    if (calls < 3) throw new Error('not yet');
  });
  q.add('k');
  await tick(50);
  assert.equal(calls, 3);
  q.stop();
  queueTuning.baseDelayMs = saved;
});
