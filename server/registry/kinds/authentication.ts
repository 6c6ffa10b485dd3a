/**
 * authentication.k8s.io/v1: TokenReview and SelfSubjectReview. Both are create-only and answered
 * on the spot, never stored. (TokenRequest is served as the serviceaccounts/token subresource of
 * core/v1.)
 */
import { badRequest } from '../../apiserver/errors.js';
import type { KindDef, KubeObject } from '../types.js';
import { NAME_COLUMN } from './printers.js';

const nowRFC3339 = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * TokenReview: the review hook has no access to the server's token authenticator, so it cannot
 * vouch for a token; every review comes back unauthenticated with an error that says why.
 */
export function answerTokenReview(obj: KubeObject): KubeObject {
  if (typeof obj.spec?.token !== 'string' || obj.spec.token === '') throw badRequest('token is required for TokenReview in authentication');
  return { ...obj, status: { authenticated: false, user: {}, error: 'token review is not supported' } };
}

/**
 * SelfSubjectReview: the requester's own identity, as `kubectl auth whoami` shows it. Upstream's
 * authenticator puts every authenticated user in system:authenticated; it is added here when the
 * request context does not carry it.
 */
export function answerSelfSubjectReview(obj: KubeObject, requester: { user: string; groups: string[] }): KubeObject {
  const userInfo: Record<string, unknown> = { username: requester.user };
  const groups = [...requester.groups];
  if (requester.user !== 'system:anonymous' && !groups.includes('system:authenticated')) groups.push('system:authenticated');
  if (groups.length) userInfo.groups = groups;
  return { ...obj, metadata: { ...obj.metadata, creationTimestamp: nowRFC3339() }, status: { userInfo } };
}

export const tokenReviewKind: KindDef = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  definition: 'io.k8s.api.authentication.v1.TokenReview',
  verbs: ['create'],
  columns: [NAME_COLUMN],
  strategy: { row: (obj) => [obj.metadata.name ?? ''] },
  virtual: { create: (obj) => answerTokenReview(obj) },
};

export const selfSubjectReviewKind: KindDef = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  definition: 'io.k8s.api.authentication.v1.SelfSubjectReview',
  verbs: ['create'],
  columns: [NAME_COLUMN],
  strategy: { row: (obj) => [obj.metadata.name ?? ''] },
  virtual: { create: answerSelfSubjectReview },
};

export const authenticationKinds: KindDef[] = [selfSubjectReviewKind, tokenReviewKind];
