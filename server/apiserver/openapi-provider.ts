/** Serves the OpenAPI v3 documents for whatever the registry holds right now (CRDs included). */
import { openAPIDocumentForPath, openAPIIndexDocument } from './openapi.js';
import type { OpenAPIProvider } from './server.js';
import type { Registry } from '../registry/registry.js';
import type { Doc } from './discovery.js';

/** protobuf field: tag (number, wire type 2) + length + bytes */
function field(num: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(num << 3) | 2, bytes.length]), bytes]);
}

/**
 * `/openapi/v2`, which kubectl reads (as gnostic's protobuf Document) only for kinds missing from
 * v3 — removed APIs, custom resources without a CRD, `kind: List`. A document with no
 * definitions makes kubectl skip client-side validation for them, so the real error ("no matches
 * for kind ...") is the one users see. Fields: swagger=1, info=2 {title=1, version=2}, paths=8,
 * definitions=9.
 */
export const OPENAPI_V2_PROTOBUF = Buffer.concat([
  field(1, Buffer.from('2.0')),
  field(2, Buffer.concat([field(1, Buffer.from('Kubernetes')), field(2, Buffer.from('v1.33.0'))])),
  field(8, Buffer.alloc(0)),
  field(9, Buffer.alloc(0)),
]);

export class OpenAPI implements OpenAPIProvider {
  constructor(private registry: Registry) {}

  index(): Doc {
    return openAPIIndexDocument(this.registry.all());
  }

  document(path: string): Doc | undefined {
    return openAPIDocumentForPath(path, this.registry.all());
  }
}
