/**
 * Command-line parsing for `skiff`: pure (the environment, home directory and working directory
 * are passed in), so every accepted form and every error message is unit-tested.
 *
 * Errors are thrown as UsageError whose message is one line without the "skiff: " prefix; the
 * caller prints `skiff: <message>` and exits with EXIT_USAGE.
 */
import { isAbsolute, join, resolve } from 'node:path';

export const RUNTIMES = ['auto', 'docker', 'simulated'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const COMMANDS = ['up', 'down', 'status', 'reset'] as const;
export type Command = (typeof COMMANDS)[number];

export const DEFAULT_PORT = 6443;
export const DEFAULT_NODES = 3;
/** Kubernetes' documented scalability limit. */
export const MAX_NODES = 5000;

/** Exit codes (documented in `skiff --help`). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** `skiff status` when the cluster is not running (systemctl/LSB: "program is not running"). */
export const EXIT_NOT_RUNNING = 3;

export interface UpArgs {
  command: 'up';
  dataDir: string;
  nodes: number;
  runtime: Runtime;
  /** 0 = any free port */
  port: number;
  foreground: boolean;
}

export interface DirArgs {
  command: 'down' | 'status' | 'reset';
  dataDir: string;
}

export interface HelpArgs {
  command: 'help';
  text: string;
}

export type ParsedArgs = UpArgs | DirArgs | HelpArgs;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParseContext {
  env: Record<string, string | undefined>;
  home: string;
  cwd: string;
}

interface FlagSpec {
  /** takes a value (`--port 6443` or `--port=6443`) */
  value: boolean;
  commands: readonly Command[];
}

const FLAGS: Record<string, FlagSpec> = {
  '--data-dir': { value: true, commands: COMMANDS },
  '--nodes': { value: true, commands: ['up'] },
  '--runtime': { value: true, commands: ['up'] },
  '--port': { value: true, commands: ['up'] },
  '--foreground': { value: false, commands: ['up'] },
};

/**
 * Parses `argv` (without node and script). Flags may come before or after the command and take
 * their value as the next argument or after `=`; a repeated flag's last value wins.
 */
export function parseArgs(argv: readonly string[], ctx: ParseContext): ParsedArgs {
  const flags = new Map<string, string>();
  const positionals: string[] = [];
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[name];
    if (!spec) {
      // Report it against the command when one is known, so the hint points at the right help.
      const command = positionals.find(isCommand) ?? argv.slice(i + 1).find(isCommand);
      throw unknownFlag(name, command);
    }
    if (!spec.value) {
      if (name !== arg) throw new UsageError(`flag ${name} does not take a value`);
      flags.set(name, '');
      continue;
    }
    let value: string;
    if (name !== arg) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`flag ${name} needs a value`);
      value = next;
      i++;
    }
    flags.set(name, value);
  }

  const [first, ...rest] = positionals;
  if (first === 'help') {
    if (rest[0] !== undefined && !isCommand(rest[0])) throw unknownCommand(rest[0]);
    return { command: 'help', text: usage(rest[0] as Command | undefined) };
  }
  if (first === undefined) {
    if (flags.size > 0 && !help) throw new UsageError("missing command (one of up, down, status, reset; run 'skiff --help' for usage)");
    return { command: 'help', text: usage() };
  }
  if (!isCommand(first)) throw unknownCommand(first);
  const command = first;
  if (help) return { command: 'help', text: usage(command) };
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" for 'skiff ${command}' (run 'skiff ${command} --help' for usage)`);
  for (const name of flags.keys()) {
    if (!FLAGS[name].commands.includes(command)) throw unknownFlag(name, command);
  }

  const dataDir = parseDataDir(flags.get('--data-dir'), ctx);
  if (command !== 'up') return { command, dataDir };
  return {
    command,
    dataDir,
    nodes: parseNodes(flags.get('--nodes')),
    runtime: parseRuntime(flags.get('--runtime')),
    port: parsePort(flags.get('--port')),
    foreground: flags.has('--foreground'),
  };
}

function isCommand(s: string | undefined): s is Command {
  return (COMMANDS as readonly string[]).includes(s ?? '');
}

function unknownCommand(name: string): UsageError {
  return new UsageError(`unknown command "${name}" (run 'skiff --help' for usage)`);
}

function unknownFlag(name: string, command: Command | undefined): UsageError {
  return command
    ? new UsageError(`unknown flag ${name} for 'skiff ${command}' (run 'skiff ${command} --help' for usage)`)
    : new UsageError(`unknown flag ${name} (run 'skiff --help' for usage)`);
}

function invalid(flag: string, value: string, expected: string): UsageError {
  return new UsageError(`invalid value ${JSON.stringify(value)} for ${flag}: ${expected}`);
}

/**
 * --data-dir, else $SKIFF_DATA_DIR, else ~/.skiff; made absolute. A leading "~/" is expanded
 * because shells do not expand it in `--data-dir=~/x`.
 */
export function parseDataDir(value: string | undefined, ctx: ParseContext): string {
  let dir = value;
  if (dir === undefined) {
    const env = ctx.env.SKIFF_DATA_DIR;
    dir = env !== undefined && env !== '' ? env : join(ctx.home, '.skiff');
  }
  if (dir === '') throw invalid('--data-dir', dir, 'must be a directory path');
  if (dir === '~') dir = ctx.home;
  else if (dir.startsWith('~/')) dir = join(ctx.home, dir.slice(2));
  return isAbsolute(dir) ? resolve(dir) : resolve(ctx.cwd, dir);
}

export function parseNodes(value: string | undefined): number {
  if (value === undefined) return DEFAULT_NODES;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_NODES)) throw invalid('--nodes', value, `must be a whole number from 1 to ${MAX_NODES}`);
  return n;
}

export function parseRuntime(value: string | undefined): Runtime {
  if (value === undefined) return 'auto';
  if (!(RUNTIMES as readonly string[]).includes(value)) throw invalid('--runtime', value, `must be one of ${RUNTIMES.join(', ')}`);
  return value as Runtime;
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= 65535)) throw invalid('--port', value, 'must be a port number from 0 to 65535 (0 = any free port)');
  return n;
}

/** `skiff up` arguments as flags again, for the background process. */
export function upArgv(a: UpArgs, foreground: boolean): string[] {
  const out = ['up', '--data-dir', a.dataDir, '--nodes', String(a.nodes), '--runtime', a.runtime, '--port', String(a.port)];
  if (foreground) out.push('--foreground');
  return out;
}

const DATA_DIR_HELP = `  --data-dir DIR   where the cluster keeps its state (store, pki, kubeconfig, log);
                   default $SKIFF_DATA_DIR, else ~/.skiff`;

export function usage(command?: Command): string {
  switch (command) {
    case 'up':
      return `Usage: skiff up [--data-dir DIR] [--nodes N] [--runtime auto|docker|simulated] [--port N] [--foreground]

Starts the cluster in DIR (created if needed) in the background and returns once the API server
answers and the nodes are Ready. Writes DIR/kubeconfig (context "skiff") and logs to DIR/skiff.log.
State is kept between runs: a later 'skiff up' resumes the same cluster. If the cluster is already
running, says so and exits 0.

Flags:
${DATA_DIR_HELP}
  --nodes N        number of nodes, 1 to ${MAX_NODES} (default ${DEFAULT_NODES})
  --runtime R      container runtime of the nodes: docker (real containers), simulated (no
                   processes) or auto: docker when a Docker Engine is reachable (default auto)
  --port N         API server port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 = any free port)
  --foreground     run in this process, log to the terminal, stop on Ctrl-C / SIGTERM
`;
    case 'down':
      return `Usage: skiff down [--data-dir DIR]

Stops the cluster running from DIR and keeps its state ('skiff up' resumes it). Says so and
exits 0 if it is not running.

Flags:
${DATA_DIR_HELP}
`;
    case 'status':
      return `Usage: skiff status [--data-dir DIR]

Shows whether the cluster in DIR is running, its process id, API server address, kubeconfig
path and data dir. Exit status: 0 running, 3 not running (stopped or still starting).

Flags:
${DATA_DIR_HELP}
`;
    case 'reset':
      return `Usage: skiff reset [--data-dir DIR]

Stops the cluster if it is running, then deletes everything Skiff created in DIR (store, pki,
kubeconfig, log). Files that were in DIR before Skiff first used it are kept. Refuses to run on a
directory Skiff never used, on /, and on your home directory.

Flags:
${DATA_DIR_HELP}
`;
    default:
      return `Skiff: a Kubernetes-compatible cluster on your machine.

Usage:
  skiff up     [--data-dir DIR] [--nodes N] [--runtime auto|docker|simulated] [--port N] [--foreground]
  skiff down   [--data-dir DIR]
  skiff status [--data-dir DIR]
  skiff reset  [--data-dir DIR]

Commands:
  up       start the cluster (in the background unless --foreground) and write DIR/kubeconfig
  down     stop the cluster, keeping its state
  status   show whether the cluster is running and how to reach it
  reset    stop the cluster and delete its state

DIR defaults to $SKIFF_DATA_DIR, else ~/.skiff. Run 'skiff COMMAND --help' for a command's flags.

Exit status: 0 success, 1 failure, 2 usage error, 3 'skiff status' found the cluster not running.
`;
  }
}
