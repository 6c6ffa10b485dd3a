/**
 * kube-apiserver: the only door into the cluster. HTTPS with client-certificate or bearer-token
 * authentication, then non-resource endpoints (version, health, discovery, OpenAPI) or the
 * resource handlers. Every error becomes a Status at this one boundary.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { internal, StatusError, unauthorized } from './errors.js';
import { Discovery, type Doc } from './discovery.js';
import { parseRequest } from './request.js';
import { ResourceHandlers, sendJSON, sendRaw, type Codecs, type RequestContext } from './handlers.js';
import type { Registry } from '../registry/registry.js';
import type { GenericStore } from '../registry/generic.js';
import { OPENAPI_V2_PROTOBUF } from './openapi-provider.js';

export const KUBE_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-skiff',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-24T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export interface Identity {
  user: string;
  groups: string[];
}

export interface OpenAPIProvider {
  index(): Doc;
  document(path: string): Doc | undefined;
}

export interface ApiServerOptions {
  tls: { cert: string; key: string; ca: string };
  registry: Registry;
  store: GenericStore;
  codecs: Codecs;
  openapi: OpenAPIProvider;
  /** maps a verified client certificate to a user */
  identityFromCertificate(cert: ReturnType<TLSSocket['getPeerCertificate']>): Identity | undefined;
  authenticateToken(token: string): Identity | undefined;
}

const OPTIONS_KIND: Record<string, string> = { POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions', DELETE: 'DeleteOptions' };

/** Paths anyone may read, as the system:public-info-viewer role allows upstream. */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export function createApiServer(opts: ApiServerOptions): https.Server {
  const discovery = new Discovery(opts.registry);
  const handlers = new ResourceHandlers(opts.registry, opts.store, opts.codecs);

  // A connection's certificate does not change: read it once per socket, not per request (it
  // was a third of a GET's CPU).
  const certIdentity = new WeakMap<TLSSocket, Identity | null>();
  const authenticate = (req: IncomingMessage): Identity | undefined => {
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      let id = certIdentity.get(socket);
      if (id === undefined) {
        id = opts.identityFromCertificate(socket.getPeerCertificate()) ?? null;
        certIdentity.set(socket, id);
      }
      if (id) return id;
    }
    const auth = req.headers.authorization;
    if (auth && auth.startsWith('Bearer ')) return opts.authenticateToken(auth.slice(7).trim());
    return undefined;
  };

  const serveDoc = (req: IncomingMessage, res: ServerResponse, d: Doc, contentType = 'application/json') => {
    if (req.headers['if-none-match'] === d.etag) {
      res.writeHead(304, { ETag: d.etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(d.json), ETag: d.etag, Vary: 'Accept' });
    res.end(d.json);
  };

  const nonResource = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    const accept = String(req.headers.accept ?? '');
    if (path === '/version' || path === '/version/') {
      sendJSON(res, 200, KUBE_VERSION);
      return true;
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      sendRaw(res, 200, 'ok', 'text/plain; charset=utf-8');
      return true;
    }
    if (path === '/api' || path === '/apis') {
      const { doc, contentType } = discovery.root(path === '/api' ? 'api' : 'apis', accept);
      serveDoc(req, res, doc, contentType);
      return true;
    }
    if (path === '/openapi/v2') {
      if (accept.includes('protobuf')) {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': OPENAPI_V2_PROTOBUF.length });
        res.end(OPENAPI_V2_PROTOBUF);
      } else {
        sendJSON(res, 200, { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.0' }, paths: {}, definitions: {} });
      }
      return true;
    }
    if (path === '/openapi/v3') {
      serveDoc(req, res, opts.openapi.index());
      return true;
    }
    if (path.startsWith('/openapi/v3/')) {
      const d = opts.openapi.document(path.slice('/openapi/v3/'.length));
      if (!d) return false;
      serveDoc(req, res, d);
      return true;
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2) {
      const d = discovery.resourceList(parts[1]);
      if (!d) return false;
      serveDoc(req, res, d);
      return true;
    }
    if (parts[0] === 'apis' && parts.length === 2) {
      const d = discovery.group(parts[1]);
      if (!d) return false;
      serveDoc(req, res, d);
      return true;
    }
    if (parts[0] === 'apis' && parts.length === 3) {
      const d = discovery.resourceList(`${parts[1]}/${parts[2]}`);
      if (!d) return false;
      serveDoc(req, res, d);
      return true;
    }
    return false;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const identity = authenticate(req);
    if (!identity && !PUBLIC_PATHS.has(path)) throw unauthorized();
    const info = parseRequest(req.method ?? 'GET', path, url.searchParams);
    if (!info.isResource) {
      if ((req.method === 'GET' || req.method === 'HEAD') && nonResource(req, res, path)) return;
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const ctx: RequestContext = {
      user: identity!.user,
      groups: identity!.groups,
      userAgent: String(req.headers['user-agent'] ?? ''),
      optionsKind: OPTIONS_KIND[req.method ?? ''] ?? 'CreateOptions',
      warn: (message) => res.appendHeader('Warning', `299 - ${JSON.stringify(message)}`),
    };
    await handlers.handle(req, res, info, url.searchParams, ctx);
  };

  const server = https.createServer(
    {
      cert: opts.tls.cert,
      key: opts.tls.key,
      ca: opts.tls.ca,
      requestCert: true,
      rejectUnauthorized: false,
      keepAlive: true,
    },
    (req, res) => {
      handle(req, res).catch((err) => {
        const status = err instanceof StatusError ? err : internal(err);
        if (!(err instanceof StatusError)) console.error('apiserver: internal error:', err);
        if (res.headersSent) {
          res.end();
          return;
        }
        // Drain what the client is still sending so the connection can be reused.
        req.resume();
        sendJSON(res, status.code, status.toStatus());
      });
    },
  );
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  return server;
}
