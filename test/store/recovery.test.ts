import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { WalError } from '../../server/store/index.js';
import { frameOffsets, noSnapshots, openStore, putDurably, tempDir, walSegments } from './helpers.js';

const RECORDS = 20;
const valueOf = (i: number) => `value-${i}-${'x'.repeat(i * 7)}`;

/**
 * Writes RECORDS durable puts (one WAL frame each), damages the segment with `damage`, reopens
 * and checks that exactly the first `kept` records survive, the file was cut right after them,
 * and the store appends and reopens normally afterwards.
 */
async function corruptThenRecover(damage: (file: string, offsets: number[], size: number) => void, kept: number): Promise<void> {
  const dir = tempDir();
  const s = await openStore(dir, noSnapshots);
  for (let i = 0; i < RECORDS; i++) await putDurably(s, `/c/${String(i).padStart(2, '0')}`, valueOf(i));
  await s.close();
  const [segment] = walSegments(dir);
  assert.ok(segment);
  const { offsets, size } = frameOffsets(segment);
  assert.equal(offsets.length, RECORDS);
  const original = fs.readFileSync(segment);
  damage(segment, offsets, size);
  const damaged = !fs.readFileSync(segment).equals(original);

  const warnings: string[] = [];
  const recovered = await openStore(dir, { ...noSnapshots, onWarning: (m) => warnings.push(m) });
  assert.equal(recovered.revision, kept);
  const keys = recovered.range('/c/').kvs;
  assert.deepEqual(keys.map((kv) => kv.value), Array.from({ length: kept }, (_, i) => valueOf(i)));
  if (damaged) {
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^wal: .* in segment [0-9a-f]{16}-[0-9a-f]{16}\.wal; truncated \d+ bytes/);
  } else assert.deepEqual(warnings, []);
  assert.equal(fs.statSync(segment).size, kept < RECORDS ? offsets[kept] : size);

  assert.equal(await putDurably(recovered, '/c/after', 'appended'), kept + 1);
  await recovered.close();
  const reopened = await openStore(dir, noSnapshots);
  assert.equal(reopened.revision, kept + 1);
  assert.equal(reopened.get('/c/after')?.value, 'appended');
  assert.equal(reopened.count('/c/'), kept + 1);
  await reopened.close();
}

function rewrite(file: string, edit: (buf: Buffer) => Buffer): void {
  fs.writeFileSync(file, edit(fs.readFileSync(file)));
}

describe('store: crash recovery of a damaged WAL tail', () => {
  it('truncated in the middle of the last record', () => corruptThenRecover((f, o) => fs.truncateSync(f, o[RECORDS - 1]! + 20), RECORDS - 1));

  it('truncated in the middle of the last header', () => corruptThenRecover((f, o) => fs.truncateSync(f, o[RECORDS - 1]! + 5), RECORDS - 1));

  it('torn write: the end of the last record never reached the disk', () =>
    corruptThenRecover((f, o) => rewrite(f, (b) => {
      b.fill(0, o[RECORDS - 1]! + 16);
      return b;
    }), RECORDS - 1));

  it('torn write: the end of the last record holds stale garbage', () =>
    corruptThenRecover((f, o) => rewrite(f, (b) => {
      randomBytes(b.length - o[RECORDS - 1]! - 12).copy(b, o[RECORDS - 1]! + 12);
      return b;
    }), RECORDS - 1));

  it('zeroed bytes in the middle of the last record', () =>
    corruptThenRecover((f, o) => rewrite(f, (b) => {
      b.fill(0, o[RECORDS - 1]! + 40, o[RECORDS - 1]! + 48);
      return b;
    }), RECORDS - 1));

  it('a zeroed sector over the last two records (header included)', () =>
    corruptThenRecover((f, o, size) => rewrite(f, (b) => {
      b.fill(0, o[RECORDS - 2]!, size);
      return b;
    }), RECORDS - 2));

  it('one damaged record inside the last batch cuts everything after it', () =>
    corruptThenRecover((f, o) => rewrite(f, (b) => {
      b[o[12]! + 9] = b[o[12]! + 9]! ^ 0x40;
      return b;
    }), 12));

  it('garbage appended after the last complete record', () => corruptThenRecover((f) => fs.appendFileSync(f, randomBytes(100)), RECORDS));

  it('a zero-filled tail after the last complete record', () => corruptThenRecover((f) => fs.appendFileSync(f, Buffer.alloc(4096)), RECORDS));

  it('an intact log opens without warnings', () => corruptThenRecover(() => {}, RECORDS));
});

describe('store: corruption that is not a torn tail', () => {
  it('refuses to open when a segment other than the last is damaged', async () => {
    const dir = tempDir();
    const s = await openStore(dir, { ...noSnapshots, segmentBytes: 256 });
    for (let i = 0; i < 40; i++) await putDurably(s, `/seg/${i}`, 'v'.repeat(40));
    await s.close();
    const segments = walSegments(dir);
    assert.ok(segments.length > 3, `segments: ${segments.length}`);
    rewrite(segments[1]!, (b) => {
      b[b.length - 3] = b[b.length - 3]! ^ 1;
      return b;
    });
    await assert.rejects(openStore(dir, noSnapshots), (err: unknown) =>
      err instanceof WalError && /^wal: crc mismatch at offset \d+ in segment [0-9a-f-]+\.wal, which is not the last one$/.test(err.message));
    // the failed open released the lock and left the data alone for an operator
    assert.equal(fs.existsSync(`${dir}/LOCK`), false);
    assert.equal(walSegments(dir).length, segments.length);
  });

  it('refuses to open when WAL segments the snapshot needs are missing', async () => {
    const dir = tempDir();
    const s = await openStore(dir, { ...noSnapshots, segmentBytes: 256 });
    for (let i = 0; i < 40; i++) await putDurably(s, `/seg/${i}`, 'v'.repeat(40));
    await s.close();
    fs.rmSync(walSegments(dir)[0]!);
    await assert.rejects(openStore(dir, noSnapshots), /^WalError: wal: records after revision 0 are missing/);
  });
});
