/**
 * The few Status shapes the patch code answers with that errors.ts has no helper for. Each mirrors
 * what kube-apiserver's handlers produce for the same failure, so kubectl prints the same line.
 */
import { StatusError } from '../errors.js';

/**
 * `errors.NewGenericServerResponse(422, ...)` with isUnexpectedResponse=false: upstream discards the
 * underlying message, so the client only sees this sentence (kubectl: "The request is invalid: the
 * server rejected our request due to an error in our request"). A failed JSON patch `test`, a
 * `remove` of a missing path, a list of lists in a strategic patch all end here. The real reason is
 * kept on `cause` for logs and tests; it never reaches the wire.
 */
export function unprocessable(detail: string): StatusError {
  const err = new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  (err as Error).cause = detail;
  return err;
}

/**
 * What the apiserver writes for an error that is not an API status (a plain Go error from a
 * library): code 500, reason StatusReasonUnknown (the empty string), the error text as message.
 * kubectl prints it as "Error from server: <message>".
 */
export function unknownError(message: string): StatusError {
  return new StatusError(500, '', message);
}

/** `errors.NewRequestEntityTooLargeError(message)`. */
export function entityTooLarge(message: string): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/** The name Go's encoding/json gives a JSON value's type in UnmarshalTypeError messages. */
export function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : 'string';
}
