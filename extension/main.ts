/**
 * The VS Code side. For now: start and stop the embedded cluster through the `skiff` CLI, which
 * keeps the cluster in its own process so the editor never blocks on it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';

function skiff(ctx: vscode.ExtensionContext, args: string[]): Promise<string> {
  const dataDir = join(ctx.globalStorageUri.fsPath, 'cluster');
  const cli = join(ctx.extensionPath, 'dist', 'skiff.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args, '--data-dir', dataDir], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout, stderr) => {
      if (err) reject(new Error((stderr || err.message).trim().split('\n')[0]));
      else resolve(stdout.trim());
    });
  });
}

export function activate(ctx: vscode.ExtensionContext): void {
  const run = (args: string[], done: string) => async () => {
    try {
      await skiff(ctx, args);
      vscode.window.showInformationMessage(done);
    } catch (e) {
      vscode.window.showErrorMessage(`Skiff: ${(e as Error).message}`);
    }
  };
  ctx.subscriptions.push(
    vscode.commands.registerCommand('skiff.startCluster', run(['up', '--port', '0'], 'Skiff: cluster running')),
    vscode.commands.registerCommand('skiff.stopCluster', run(['down'], 'Skiff: cluster stopped')),
  );
}

export function deactivate(): void {}
