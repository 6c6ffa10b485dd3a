import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, upArgv, usage, UsageError, type ParseContext, type UpArgs } from '../../server/cli/args.js';

const ctx: ParseContext = { env: {}, home: '/home/u', cwd: '/work' };
const parse = (...argv: string[]) => parseArgs(argv, ctx);

function fails(argv: string[], message: string, c: ParseContext = ctx): void {
  assert.throws(
    () => parseArgs(argv, c),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `UsageError for ${argv.join(' ')}`);
      assert.equal(err.message, message);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    },
  );
}

describe('skiff args: commands and defaults', () => {
  it('up with defaults', () => {
    assert.deepEqual(parse('up'), { command: 'up', dataDir: '/home/u/.skiff', nodes: 3, runtime: 'auto', port: 6443, foreground: false });
  });

  it('up with every flag, both spellings, flags before or after the command', () => {
    const want: UpArgs = { command: 'up', dataDir: '/data/s', nodes: 5, runtime: 'simulated', port: 0, foreground: true };
    assert.deepEqual(parse('up', '--data-dir', '/data/s', '--nodes', '5', '--runtime', 'simulated', '--port', '0', '--foreground'), want);
    assert.deepEqual(parse('up', '--data-dir=/data/s', '--nodes=5', '--runtime=simulated', '--port=0', '--foreground'), want);
    assert.deepEqual(parse('--data-dir', '/data/s', '--foreground', 'up', '--nodes', '5', '--runtime=simulated', '--port', '0'), want);
  });

  it('the last of a repeated flag wins', () => {
    assert.equal((parse('up', '--nodes', '2', '--nodes', '4') as UpArgs).nodes, 4);
  });

  it('down, status, reset take only --data-dir', () => {
    assert.deepEqual(parse('down'), { command: 'down', dataDir: '/home/u/.skiff' });
    assert.deepEqual(parse('status', '--data-dir', 'rel/dir'), { command: 'status', dataDir: '/work/rel/dir' });
    assert.deepEqual(parse('reset', '--data-dir=/x/'), { command: 'reset', dataDir: '/x' });
  });

  it('data dir: SKIFF_DATA_DIR, ~ expansion, relative paths', () => {
    assert.deepEqual(parseArgs(['status'], { ...ctx, env: { SKIFF_DATA_DIR: '/env/dir' } }), { command: 'status', dataDir: '/env/dir' });
    assert.deepEqual(parseArgs(['status'], { ...ctx, env: { SKIFF_DATA_DIR: '' } }), { command: 'status', dataDir: '/home/u/.skiff' });
    assert.deepEqual(parseArgs(['status', '--data-dir', '/flag'], { ...ctx, env: { SKIFF_DATA_DIR: '/env/dir' } }), { command: 'status', dataDir: '/flag' });
    assert.deepEqual(parse('status', '--data-dir=~/k8s'), { command: 'status', dataDir: '/home/u/k8s' });
    assert.deepEqual(parse('status', '--data-dir', '.'), { command: 'status', dataDir: '/work' });
  });

  it('help: no arguments, -h, --help, help COMMAND, COMMAND --help', () => {
    assert.deepEqual(parse(), { command: 'help', text: usage() });
    assert.deepEqual(parse('-h'), { command: 'help', text: usage() });
    assert.deepEqual(parse('--help'), { command: 'help', text: usage() });
    assert.deepEqual(parse('help'), { command: 'help', text: usage() });
    assert.deepEqual(parse('help', 'up'), { command: 'help', text: usage('up') });
    assert.deepEqual(parse('up', '--help'), { command: 'help', text: usage('up') });
    assert.deepEqual(parse('status', '-h', '--data-dir', 'x'), { command: 'help', text: usage('status') });
    assert.deepEqual(parse('down', '--nodes', '3', '-h'), { command: 'help', text: usage('down') });
  });

  it('usage documents the interface and the exit codes', () => {
    const text = usage();
    for (const line of [
      'skiff up     [--data-dir DIR] [--nodes N] [--runtime auto|docker|simulated] [--port N] [--foreground]',
      'skiff down   [--data-dir DIR]',
      'skiff status [--data-dir DIR]',
      'skiff reset  [--data-dir DIR]',
    ]) {
      assert.ok(text.includes(line), line);
    }
    assert.match(text, /3 'skiff status' found the cluster not running/);
    assert.match(usage('status'), /0 running, 3 not running/);
    assert.match(usage('up'), /default 6443; 0 = any free port/);
  });

  it('upArgv round-trips through parseArgs', () => {
    const a: UpArgs = { command: 'up', dataDir: '/d', nodes: 7, runtime: 'docker', port: 1234, foreground: false };
    assert.deepEqual(parse(...upArgv(a, true)), { ...a, foreground: true });
    assert.deepEqual(parse(...upArgv(a, false)), a);
  });
});

describe('skiff args: errors (one line each)', () => {
  it('unknown command', () => {
    fails(['start'], `unknown command "start" (run 'skiff --help' for usage)`);
    fails(['help', 'nope'], `unknown command "nope" (run 'skiff --help' for usage)`);
  });

  it('unknown flag, for the command or globally', () => {
    fails(['up', '--bogus'], `unknown flag --bogus for 'skiff up' (run 'skiff up --help' for usage)`);
    fails(['up', '--bogus=1'], `unknown flag --bogus for 'skiff up' (run 'skiff up --help' for usage)`);
    fails(['up', '-n', '3'], `unknown flag -n for 'skiff up' (run 'skiff up --help' for usage)`);
    fails(['--bogus'], `unknown flag --bogus (run 'skiff --help' for usage)`);
    fails(['--bogus', 'status'], `unknown flag --bogus for 'skiff status' (run 'skiff status --help' for usage)`);
  });

  it('a flag another command takes', () => {
    fails(['down', '--nodes', '3'], `unknown flag --nodes for 'skiff down' (run 'skiff down --help' for usage)`);
    fails(['status', '--foreground'], `unknown flag --foreground for 'skiff status' (run 'skiff status --help' for usage)`);
    fails(['reset', '--port', '1'], `unknown flag --port for 'skiff reset' (run 'skiff reset --help' for usage)`);
  });

  it('missing values', () => {
    fails(['up', '--port'], 'flag --port needs a value');
    fails(['up', '--data-dir', '--foreground'], 'flag --data-dir needs a value');
    fails(['up', '--foreground=yes'], 'flag --foreground does not take a value');
  });

  it('bad --nodes', () => {
    for (const v of ['abc', '0', '-1', '1.5', '2e3', '', ' 3', '5001', '99999999999']) {
      fails(['up', `--nodes=${v}`], `invalid value ${JSON.stringify(v)} for --nodes: must be a whole number from 1 to 5000`);
    }
  });

  it('bad --runtime', () => {
    for (const v of ['foo', 'Docker', '']) {
      fails(['up', '--runtime', v], `invalid value ${JSON.stringify(v)} for --runtime: must be one of auto, docker, simulated`);
    }
  });

  it('bad --port', () => {
    for (const v of ['http', '65536', '-1', '0x10', '80.5', '']) {
      fails(['up', `--port=${v}`], `invalid value ${JSON.stringify(v)} for --port: must be a port number from 0 to 65535 (0 = any free port)`);
    }
  });

  it('bad --data-dir', () => {
    fails(['status', '--data-dir='], 'invalid value "" for --data-dir: must be a directory path');
  });

  it('extra arguments and a missing command', () => {
    fails(['up', 'now'], `unexpected argument "now" for 'skiff up' (run 'skiff up --help' for usage)`);
    fails(['--data-dir', '/x'], "missing command (one of up, down, status, reset; run 'skiff --help' for usage)");
  });
});
