/** Serves the OpenAPI v3 documents for whatever the registry holds right now (CRDs included). */
import { openAPIDocumentForPath, openAPIIndexDocument } from './openapi.js';
import type { OpenAPIProvider } from './server.js';
import type { Registry } from '../registry/registry.js';
import type { Doc } from './discovery.js';

export class OpenAPI implements OpenAPIProvider {
  constructor(private registry: Registry) {}

  index(): Doc {
    return openAPIIndexDocument(this.registry.all());
  }

  document(path: string): Doc | undefined {
    return openAPIDocumentForPath(path, this.registry.all());
  }
}
