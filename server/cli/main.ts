/**
 * `skiff`: the command-line entry point (bundled to dist/skiff.js; bin/skiff.js loads it).
 *
 *   skiff up     [--data-dir DIR] [--nodes N] [--runtime auto|docker|simulated] [--port N] [--foreground]
 *   skiff down   [--data-dir DIR]
 *   skiff status [--data-dir DIR]
 *   skiff reset  [--data-dir DIR]
 *
 * Parsing lives in args.ts, the cluster process and data-dir bookkeeping in daemon.ts. Every
 * failure is one line on stderr, `skiff: <what went wrong>`, with exit status 2 for usage errors
 * and 1 otherwise; `skiff status` exits 3 when the cluster is not running.
 */
import { homedir } from 'node:os';

import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, parseArgs, UsageError } from './args.js';
import { CliError, printStatus, resetDataDir, runForeground, startBackground, stopCluster } from './daemon.js';

export async function main(argv: string[]): Promise<number> {
  const home = homedir();
  let args;
  try {
    args = parseArgs(argv, { env: process.env, home, cwd: process.cwd() });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`skiff: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  try {
    switch (args.command) {
      case 'help':
        process.stdout.write(args.text);
        return EXIT_OK;
      case 'up':
        return args.foreground ? await runForeground(args, home) : await startBackground(args, home);
      case 'down':
        return await stopCluster(args.dataDir);
      case 'status':
        return printStatus(args.dataDir);
      case 'reset':
        return await resetDataDir(args.dataDir, home);
    }
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`skiff: ${err.message}\n`);
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`skiff: ${message.split('\n')[0]}\n`);
    if (process.env.SKIFF_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
    return EXIT_FAILURE;
  }
}

/** Exits once stdout and stderr have been handed to the OS (they are async when piped on macOS). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exit, (err: unknown) => {
  process.stderr.write(`skiff: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
  exit(EXIT_FAILURE);
});
