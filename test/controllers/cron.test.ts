import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastScheduleBetween, matches, nextSchedule, parseSchedule } from '../../server/controllers/cron.js';

const at = (s: string) => Date.parse(s);

test('every-5-minutes schedule matches only multiples of five', () => {
  const s = parseSchedule('*/5 * * * *');
  assert.equal(matches(s, at('2026-01-01T10:05:00Z')), true);
  assert.equal(matches(s, at('2026-01-01T10:06:00Z')), false);
});

test('macros, names and ranges', () => {
  assert.equal(matches(parseSchedule('@hourly'), at('2026-03-02T07:00:00Z')), true);
  const weekdays = parseSchedule('30 9 * * mon-fri');
  assert.equal(matches(weekdays, at('2026-03-02T09:30:00Z')), true, 'Monday');
  assert.equal(matches(weekdays, at('2026-03-01T09:30:00Z')), false, 'Sunday');
  assert.equal(matches(parseSchedule('0 0 1 jan *'), at('2026-01-01T00:00:00Z')), true);
});

test('day-of-month and day-of-week both restricted: either matches', () => {
  const s = parseSchedule('0 0 13 * 5');
  assert.equal(matches(s, at('2026-03-13T00:00:00Z')), true, 'the 13th');
  assert.equal(matches(s, at('2026-03-06T00:00:00Z')), true, 'a Friday');
  assert.equal(matches(s, at('2026-03-07T00:00:00Z')), false);
});

test('time zones shift the schedule', () => {
  const s = parseSchedule('0 9 * * *', 'Europe/Berlin');
  assert.equal(matches(s, at('2026-01-15T08:00:00Z')), true, 'CET is UTC+1 in winter');
  assert.equal(matches(s, at('2026-07-15T07:00:00Z')), true, 'CEST is UTC+2 in summer');
  assert.equal(matches(parseSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *'), at('2026-01-15T00:00:00Z')), true);
});

test('last and next scheduled times', () => {
  const s = parseSchedule('*/15 * * * *');
  assert.equal(lastScheduleBetween(s, at('2026-01-01T10:00:00Z'), at('2026-01-01T10:31:10Z')), at('2026-01-01T10:30:00Z'));
  assert.equal(lastScheduleBetween(s, at('2026-01-01T10:30:00Z'), at('2026-01-01T10:31:10Z')), undefined);
  assert.equal(nextSchedule(s, at('2026-01-01T10:31:10Z')), at('2026-01-01T10:45:00Z'));
});

test('bad schedules are refused with a reason', () => {
  assert.throws(() => parseSchedule('* * *'), /expected exactly 5 fields/);
  assert.throws(() => parseSchedule('61 * * * *'), /above maximum/);
  assert.throws(() => parseSchedule('x * * * *'), /failed to parse int/);
});
