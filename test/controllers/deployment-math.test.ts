import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveIntOrPercent, sameTemplate, surgeAndUnavailable, templateHash } from '../../server/controllers/deployment.js';

test('percentages resolve like upstream: surge rounds up, unavailable down', () => {
  assert.equal(resolveIntOrPercent('25%', 10, true, '25%'), 3);
  assert.equal(resolveIntOrPercent('25%', 10, false, '25%'), 2);
  assert.equal(resolveIntOrPercent(2, 10, false, '25%'), 2);
  assert.deepEqual(surgeAndUnavailable({ metadata: {}, spec: { replicas: 1 } }), { surge: 1, unavailable: 0 });
  assert.deepEqual(surgeAndUnavailable({ metadata: {}, spec: { replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } } }), { surge: 0, unavailable: 1 });
});

test('template hash is stable, ignores key order, and differs per template', () => {
  const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
  assert.equal(templateHash(a), templateHash(b));
  assert.notEqual(templateHash(a), templateHash({ ...a, spec: { containers: [{ name: 'c', image: 'httpd' }] } }));
  assert.match(templateHash(a), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.notEqual(templateHash(a, 1), templateHash(a));
});

test('templates compare equal up to pod-template-hash', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const withHash = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: t.spec };
  assert.equal(sameTemplate(t, withHash), true);
  assert.equal(sameTemplate(t, { ...t, spec: { containers: [{ name: 'c', image: 'httpd' }] } }), false);
});
