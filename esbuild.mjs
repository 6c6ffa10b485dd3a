// Bundles the three targets: the cluster (server + skiff CLI), the VS Code extension, the webview.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };

await Promise.all([
  build({ ...common, entryPoints: { skiff: 'server/cli/main.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20' }),
  build({ ...common, entryPoints: { extension: 'extension/main.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
  build({ ...common, entryPoints: { webview: 'webview/main.ts' }, outdir: 'dist', platform: 'browser', format: 'iife', target: 'es2022' }),
]);

// The schema definitions are read lazily at run time, not bundled: the cluster starts faster.
mkdirSync('dist/registry/schema', { recursive: true });
copyFileSync('server/registry/schema/definitions.json', 'dist/registry/schema/definitions.json');

// The scale benchmark runs bundled, as the cluster itself does (no per-call helpers of a dev loader).
if (process.argv.includes('--bench')) {
  await build({ ...common, entryPoints: { 'bench-scale': 'bench/scale.ts' }, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20' });
}
