/**
 * Request bodies: size limit, media types and decoding into plain JSON values. Every failure is a
 * Status error with the code a v1.33 server gives; nothing here touches state.
 */
import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import { badRequest, StatusError, tooLarge } from './errors.js';
import { decodeProtobufObject, ProtobufDecodeError } from './protobuf/decode.js';
import { jsonDepth } from './jsondepth.js';

/** apiserver's default MaxRequestBodyBytes. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** sigs.k8s.io/json refuses documents nested deeper than this. */
export const MAX_DEPTH = 10000;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}


function checkDepth(text: string): void {
  if (jsonDepth(text) > MAX_DEPTH) throw badRequest(`json: exceeded max depth of ${MAX_DEPTH}`);
}

export function parseJSON(text: string, what = 'couldn\'t get version/kind; json parse error'): unknown {
  checkDepth(text);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`${what}: ${(e as Error).message}`);
  }
}

export function parseYAML(text: string): unknown {
  // Flow-style YAML nests like JSON; block YAML is bounded by line count under the size limit.
  checkDepth(text);
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: yaml: ${(e as Error).message}`);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const first = list.find((d) => d.contents !== null) ?? list[0];
  if (!first) return null;
  if (first.errors.length) throw badRequest(`error converting YAML to JSON: yaml: ${first.errors[0].message.split('\n')[0]}`);
  try {
    return first.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: yaml: ${(e as Error).message}`);
  }
}

const JSON_TYPES = new Set(['application/json', '']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/** Decodes a create/update body (JSON or YAML) into an object. */
export function decodeObject(body: Buffer, contentType: string | undefined, expected?: { apiVersion: string; kind: string }): Record<string, any> {
  const mt = mediaType(contentType);
  const text = body.toString('utf8');
  let value: unknown;
  if (JSON_TYPES.has(mt)) value = parseJSON(text);
  else if (YAML_TYPES.has(mt)) value = parseYAML(text);
  else if (mt === 'application/vnd.kubernetes.protobuf') {
    // Typed clients (kubectl create ..., helm's release Secrets) send built-in kinds as protobuf.
    try {
      value = decodeProtobufObject(body, expected);
    } catch (e) {
      if (e instanceof ProtobufDecodeError) throw badRequest(e.message);
      throw e;
    }
  } else {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`Object 'Kind' is missing in '${text.length > 200 ? text.slice(0, 200) : text}'`);
  }
  return value as Record<string, any>;
}
