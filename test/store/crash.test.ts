import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { openStore, tempDir } from './helpers.js';

const repoRoot = path.resolve(__dirname, '../..');
const writer = path.join(__dirname, 'fixtures', 'crash-writer.ts');

/** Runs the writer child until it has acknowledged `acked` keys, SIGKILLs it, returns the keys it printed. */
function runAndKill(dir: string, acked: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, '200'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').length > acked) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited early (code ${code}): ${err}`));
      // a line cut by the kill was never completely printed, so it claims nothing
      resolve(out.split('\n').slice(0, -1));
    });
  });
}

describe('store: SIGKILL during a write stream', () => {
  it('loses no acknowledged write and keeps working, across repeated crashes', async () => {
    const dir = tempDir();
    const acknowledged: string[] = [];
    for (const acked of [300, 1500]) {
      acknowledged.push(...(await runAndKill(dir, acked)));
      const s = await openStore(dir);
      const missing = acknowledged.filter((key) => !s.get(key)?.value.startsWith(`${key}@`));
      assert.deepEqual(missing, []);
      // every write is a put of a new key, so nothing half-applied can hide behind the count
      assert.equal(s.count('/crash/'), s.revision);
      assert.deepEqual(s.range('/crash/').kvs.filter((kv) => kv.value !== `${kv.key}@${kv.modRevision}`), []);
      await s.close();
    }
    assert.ok(acknowledged.length >= 1800);
  });
});
