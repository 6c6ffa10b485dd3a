// Bundles the three targets: the cluster (server + skiff CLI), the VS Code extension, the webview.
import { build } from 'esbuild';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };

await Promise.all([
  build({ ...common, entryPoints: { skiff: 'server/cli/main.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20' }),
  build({ ...common, entryPoints: { extension: 'extension/main.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
  build({ ...common, entryPoints: { webview: 'webview/main.ts' }, outdir: 'dist', platform: 'browser', format: 'iife', target: 'es2022' }),
]);
