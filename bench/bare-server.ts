/**
 * The limit: a bare Node.js HTTPS server with the same TLS setup as the API server (its serving
 * certificate, client certificates requested and checked against the cluster CA, keep-alive)
 * answering every request with one fixed small JSON body. Run as a child process so it is
 * measured exactly like the cluster.
 *
 *   node --import tsx bench/bare-server.ts --cert <crt> --key <key> --ca <ca.crt> [--body-file <json>]
 *
 * (bench/lib/bare.ts bundles it with esbuild and runs it with plain node, like dist/skiff.js.)
 *
 * Prints `{"port":N}` on stdout once listening; exits on SIGTERM.
 */
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const certPath = arg('cert');
const keyPath = arg('key');
const caPath = arg('ca');
if (!certPath || !keyPath || !caPath) {
  console.error('usage: bare-server.ts --cert <crt> --key <key> --ca <ca.crt> [--body-file <json>] [--port N]');
  process.exit(2);
}

const bodyFile = arg('body-file');
const body = Buffer.from(
  bodyFile
    ? readFileSync(bodyFile, 'utf8')
    : JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'bench', namespace: 'bench', resourceVersion: '1' }, data: { key: 'value' } }),
);
const unauthorized = Buffer.from('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","code":401}');

const server = https.createServer(
  {
    cert: readFileSync(certPath),
    key: readFileSync(keyPath),
    ca: readFileSync(caPath),
    requestCert: true,
    rejectUnauthorized: false,
    keepAlive: true,
  },
  (req, res) => {
    // Like the API server: authentication is the verified client certificate.
    const authorized = (req.socket as TLSSocket).authorized;
    const answer = () => {
      const out = authorized ? body : unauthorized;
      res.writeHead(authorized ? (req.method === 'POST' ? 201 : 200) : 401, { 'Content-Type': 'application/json', 'Content-Length': out.length });
      res.end(out);
    };
    if (req.method === 'GET' || req.method === 'HEAD') answer();
    else {
      req.on('data', () => {});
      req.on('end', answer);
    }
  },
);
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(Number(arg('port') ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0, pid: process.pid })}\n`);
});

const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
