/**
 * Watch streams: chunked JSON, one `{"type","object"}` frame per event, flushed as it happens.
 * resourceVersion "" or "0" starts with synthetic ADDED events for what exists; a number resumes
 * after that revision (410 Expired once compacted). Bookmarks when asked; Table frames for
 * `kubectl get --watch`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './errors.js';
import { table, wantsTable } from './table.js';
import type { GenericStore, WatchEventType } from '../registry/generic.js';
import { apiVersionOf } from '../registry/registry.js';
import type { Selector } from '../registry/selection.js';
import type { KindDef, KubeObject } from '../registry/types.js';

/** Tuning, overridable by tests. */
export const watchTuning = {
  bookmarkIntervalMs: 60_000,
  defaultTimeoutSeconds: 1800,
  /** a watcher this far behind is cut off rather than buffered without bound */
  maxBufferedBytes: 64 * 1024 * 1024,
};

export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: GenericStore,
  def: KindDef,
  namespace: string | undefined,
  query: URLSearchParams,
  accept: string,
  selector: Selector | undefined,
  pathName?: string,
): void {
  const rvParam = query.get('resourceVersion') ?? '';
  let after: number | undefined;
  if (rvParam !== '' && rvParam !== '0') {
    after = Number(rvParam);
    if (!Number.isInteger(after) || after < 0) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a valid resource version`);
  }
  const sendInitial = query.get('sendInitialEvents') === 'true' || after === undefined;
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const timeoutParam = Number(query.get('timeoutSeconds') ?? NaN);
  const timeoutSeconds = Number.isFinite(timeoutParam) && timeoutParam > 0 ? timeoutParam : watchTuning.defaultTimeoutSeconds;
  const asTable = wantsTable(accept);
  const includeObject = (query.get('includeObject') as 'None' | 'Object' | null) ?? 'Metadata';
  const filter: Selector | undefined = pathName
    ? (o, d) => o.metadata.name === pathName && (!selector || selector(o, d))
    : selector;

  let initial: KubeObject[] = [];
  let initialRaw: (string | undefined)[] = [];
  let startRevision: number;
  if (after === undefined || (sendInitial && query.get('sendInitialEvents') === 'true')) {
    const listed = store.list(def, { namespace, selector: filter });
    initial = listed.items;
    initialRaw = listed.raw;
    startRevision = Number(listed.resourceVersion);
  } else {
    startRevision = after;
  }

  let columnsSent = false;
  const frame = (type: string, obj: KubeObject, raw?: string): string => {
    if (asTable && type !== 'BOOKMARK' && type !== 'ERROR') {
      const t = table(def, [obj], includeObject === 'None' || includeObject === 'Object' ? includeObject : 'Metadata', { resourceVersion: obj.metadata.resourceVersion }, !columnsSent);
      columnsSent = true;
      return `{"type":"${type}","object":${JSON.stringify(t)}}\n`;
    }
    return `{"type":"${type}","object":${raw ?? JSON.stringify(obj)}}\n`;
  };

  let closed = false;
  let handle: { stop(): void } | undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    handle?.stop();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  // Events of one store commit arrive in one tick: cork so they leave as one TLS record and syscall.
  let corked = false;
  const write = (chunk: string) => {
    if (closed) return;
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(() => {
        corked = false;
        res.uncork();
      });
    }
    res.write(chunk);
    if (res.writableLength > watchTuning.maxBufferedBytes) finish();
  };

  // Register before writing anything so an error (410) can still be a plain HTTP status.
  let lastRevision = startRevision;
  handle = store.watch(def, namespace, startRevision, filter, (type: WatchEventType, obj, raw) => {
    lastRevision = Number(obj.metadata.resourceVersion) || lastRevision;
    write(frame(type, obj, raw));
  });

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  for (let i = 0; i < initial.length; i++) write(frame('ADDED', initial[i], initialRaw[i]));
  const bookmark = (annotations?: Record<string, string>) => {
    const rv = String(Math.max(lastRevision, store.revision));
    const meta: Record<string, unknown> = { resourceVersion: rv };
    if (annotations) meta.annotations = annotations;
    write(`{"type":"BOOKMARK","object":${JSON.stringify({ kind: def.kind, apiVersion: apiVersionOf(def), metadata: meta })}}\n`);
  };
  if (query.get('sendInitialEvents') === 'true' && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  if (bookmarks) {
    const tick = () => {
      bookmark();
      timers[0] = setTimeout(tick, watchTuning.bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, watchTuning.bookmarkIntervalMs);
  }
  timers.push(setTimeout(finish, timeoutSeconds * 1000));
  req.on('close', finish);
  res.on('close', finish);
}
