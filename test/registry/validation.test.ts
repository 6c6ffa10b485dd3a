/**
 * Shared validators: name and label messages as apimachinery words them, object metadata,
 * structured and string label selectors (labels.Parse grammar and errors), resource.Quantity
 * parsing and canonical forms, and duration.HumanDuration.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fieldErrorText } from '../../server/apiserver/errors.js';
import {
  compareQuantities,
  canonicalizeResourceList,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_SUFFIX_ERROR,
  tryParseQuantity,
} from '../../server/registry/quantity.js';
import {
  compileLabelSelector,
  formatLabelSelector,
  formatLabelSet,
  GoValue,
  goStringMap,
  goStringSlice,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  nameIsDNSSubdomain,
  parseLabelSelector,
  selectorMatches,
  validateAnnotations,
  validateLabels,
  validateLabelSelector,
  validateCoreObjectMeta,
  validateObjectMeta,
} from '../../server/registry/validation.js';
import { humanDuration, translateTimestampSince } from '../../server/registry/kinds/printers.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('names', () => {
  it('words DNS-1123 subdomain errors as upstream', () => {
    assert.deepEqual(isDNS1123Subdomain('example.com'), []);
    assert.deepEqual(isDNS1123Subdomain('Web_App'), [SUBDOMAIN_MSG]);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  });

  it('words DNS-1123 label errors with the double space between examples', () => {
    assert.deepEqual(isDNS1123Label('my-name'), []);
    assert.deepEqual(isDNS1123Label('a.b'), [LABEL_MSG]);
    assert.deepEqual(isDNS1123Label('x'.repeat(64)), ['must be no more than 63 characters']);
  });

  it('requires DNS-1035 labels to start with a letter', () => {
    assert.deepEqual(isDNS1035Label('web'), []);
    assert.equal(isDNS1035Label('1web').length, 1);
    assert.match(isDNS1035Label('1web')[0], /^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
  });

  it('checks qualified names part by part', () => {
    assert.deepEqual(isQualifiedName('app.kubernetes.io/name'), []);
    assert.deepEqual(isQualifiedName('/name'), ['prefix part must be non-empty']);
    assert.equal(isQualifiedName('a/b/c').length, 1);
    assert.match(isQualifiedName('a/b/c')[0], /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
    assert.deepEqual(isQualifiedName('Example.com/x'), [`prefix part ${SUBDOMAIN_MSG}`]);
    assert.ok(isQualifiedName(`x/${'a'.repeat(64)}`).includes('name part must be no more than 63 characters'));
  });

  it('validates label values, config keys, env var names and port names', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('v1.2_x'), []);
    assert.equal(isValidLabelValue('-bad').length, 1);
    assert.deepEqual(isConfigMapKey('.env'), []);
    assert.deepEqual(isConfigMapKey('..x'), ["must not start with '..'"]);
    assert.deepEqual(isEnvVarName('1_OK.name'), []);
    assert.deepEqual(isEnvVarName('A=B'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('a--b'), ['must contain consecutive hyphens'.replace('must', 'must not')]);
  });

  it('allows a trailing dash in generateName only', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
  });
});

describe('object metadata', () => {
  it('requires a name or generateName', () => {
    const errs = validateObjectMeta({ namespace: 'default' }, true, nameIsDNSSubdomain);
    assert.deepEqual(errs.map(fieldErrorText), ['metadata.name: Required value: name or generateName is required']);
  });

  it('reports a bad name, the namespace scope and bad labels', () => {
    const errs = validateObjectMeta({ name: 'Bad_Name', labels: { 'a b': 'x' } }, true, nameIsDNSSubdomain);
    assert.deepEqual(
      errs.map((e) => e.field),
      ['metadata.name', 'metadata.namespace', 'metadata.labels'],
    );
    assert.equal(fieldErrorText(errs[0]), `metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`);
    assert.equal(fieldErrorText(errs[1]), 'metadata.namespace: Required value');
    const cluster = validateObjectMeta({ name: 'x', namespace: 'default' }, false, nameIsDNSSubdomain);
    assert.deepEqual(cluster.map(fieldErrorText), ['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('requires core finalizers to be standard or qualified', () => {
    const errs = validateCoreObjectMeta({ name: 'x', namespace: 'd', finalizers: ['kubernetes', 'example.com/keep', 'mine'] }, true, nameIsDNSSubdomain);
    assert.deepEqual(errs.map(fieldErrorText), ['metadata.finalizers[2]: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified']);
  });

  it('limits annotations to 256KiB in total', () => {
    const errs = validateAnnotations({ big: 'x'.repeat(256 * 1024) }, 'metadata.annotations');
    assert.deepEqual(errs.map(fieldErrorText), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
    assert.deepEqual(validateLabels({ ok: 'v' }, 'metadata.labels'), []);
  });

  it('renders Go values for maps and slices', () => {
    assert.equal(goStringMap({ b: '2', a: '1' }).goString, 'map[string]string{"a":"1", "b":"2"}');
    assert.equal(goStringSlice(['10.96.0.10']).goString, '[]string{"10.96.0.10"}');
    assert.deepEqual(JSON.parse(JSON.stringify(new GoValue({ a: 1 }, 'x'))), { a: 1 });
  });
});

describe('structured label selectors', () => {
  const sel = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }, { key: 'canary', operator: 'DoesNotExist' }] };

  it('matches matchLabels and matchExpressions together', () => {
    assert.equal(selectorMatches(sel, { app: 'web', tier: 'fe' }), true);
    assert.equal(selectorMatches(sel, { app: 'web', tier: 'db' }), false);
    assert.equal(selectorMatches(sel, { app: 'web', tier: 'fe', canary: '' }), false);
    assert.equal(selectorMatches({}, { anything: 'x' }), true);
    assert.equal(selectorMatches(undefined, { anything: 'x' }), false);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'NotIn', values: ['a'] }] }, {}), true);
    assert.equal(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { x: '' }), true);
  });

  it('formats selectors and label sets as kubectl shows them', () => {
    assert.equal(formatLabelSelector(sel), 'app=web,!canary,tier in (be,fe)');
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSet({ b: '2', a: '1' }), 'a=1,b=2');
  });

  it('validates operators and values', () => {
    const errs = validateLabelSelector(
      { matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Like', values: ['x'] }] },
      'spec.selector',
    );
    assert.deepEqual(errs.map(fieldErrorText), [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Like": not a valid selector operator',
    ]);
  });
});

describe('string label selectors (labels.Parse)', () => {
  it('parses every requirement form and matches', () => {
    const m = compileLabelSelector('a=b,c!=d,e in (x,y),!f,g');
    assert.equal(m({ a: 'b', e: 'x', g: '' }), true);
    assert.equal(m({ a: 'b', e: 'x', g: '', f: '1' }), false);
    assert.equal(m({ a: 'b', c: 'd', e: 'x', g: '' }), false);
    assert.equal(m({ a: 'b', e: 'z', g: '' }), false);
    assert.equal(compileLabelSelector('x notin (a)')({}), true);
    assert.equal(compileLabelSelector('n>3')({ n: '4' }), true);
    assert.equal(compileLabelSelector('n<3')({ n: '4' }), false);
    assert.equal(compileLabelSelector('k==v')({ k: 'v' }), true);
    assert.equal(compileLabelSelector('v in (in,notin)')({ v: 'notin' }), true);
    assert.equal(compileLabelSelector('')({}), true);
  });

  it('reports errors in labels.Parse words', () => {
    const err = (s: string) => {
      const r = parseLabelSelector(s);
      assert.equal(r.ok, false, s);
      return (r as { error: string }).error;
    };
    assert.equal(err('a in b'), "unable to parse requirement: found 'b' expected: '('");
    assert.equal(err('a in (b'), "unable to parse requirement: found '', expected: ',' or ')'");
    assert.equal(err('a,'), "found '', expected: identifier after ','");
    assert.equal(err('a b'), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    assert.equal(err('a=b c'), "found 'c', expected: ',' or 'end of string'");
    assert.equal(err(',a'), "found ',', expected: !, identifier, or 'end of string'");
    assert.equal(err('a>x'), 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer');
    assert.match(err('a=@'), /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "@": a valid label must be an empty string/);
    assert.match(err('A/B/C'), /^unable to parse requirement: : Invalid value: "A\/B\/C": a qualified name must consist of/);
    assert.throws(() => compileLabelSelector('a in b'), /found 'b' expected: '\('/);
  });
});

describe('quantities', () => {
  it('keeps canonical input and canonicalises the rest', () => {
    const cases: [string | number, string][] = [
      ['100m', '100m'],
      ['1Gi', '1Gi'],
      ['1e3', '1e3'],
      ['0.5', '500m'],
      ['1000m', '1'],
      ['1000', '1k'],
      ['1024Ki', '1Mi'],
      ['1.5Gi', '1536Mi'],
      ['0.5Ki', '512'],
      ['1.5e3', '1500'],
      ['0.1n', '1n'],
      ['2000m', '2'],
      ['128974848', '128974848'],
      [0.25, '250m'],
      [2, '2'],
      ['0', '0'],
    ];
    for (const [input, want] of cases) assert.equal(parseQuantity(input).toString(), want, String(input));
  });

  it('rejects malformed quantities with upstream messages', () => {
    assert.equal(QUANTITY_FORMAT_ERROR, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    assert.throws(() => parseQuantity('abc'), { message: QUANTITY_FORMAT_ERROR });
    assert.throws(() => parseQuantity('1x'), { message: QUANTITY_FORMAT_ERROR });
    assert.throws(() => parseQuantity(''), { message: QUANTITY_FORMAT_ERROR });
    assert.throws(() => parseQuantity('1Gii'), { message: QUANTITY_SUFFIX_ERROR });
    assert.equal(tryParseQuantity('nope'), undefined);
  });

  it('compares values regardless of format', () => {
    assert.equal(compareQuantities('1Gi', '1000Mi'), 1);
    assert.equal(compareQuantities('500m', '0.5'), 0);
    assert.equal(compareQuantities('1', '2'), -1);
    assert.equal(compareQuantities('1k', '1000'), 0);
    assert.equal(parseQuantity('1.5').milliValue(), 1500);
    assert.equal(parseQuantity('1.2').value(), 2);
  });

  it('rounds resource lists up to milli units', () => {
    const list: Record<string, unknown> = { cpu: '100u', memory: 0.5, pods: '10' };
    canonicalizeResourceList(list);
    assert.deepEqual(list, { cpu: '1m', memory: '500m', pods: '10' });
  });
});

describe('human durations', () => {
  const s = 1000;
  it('formats like duration.HumanDuration', () => {
    assert.equal(humanDuration(-5 * s), '<invalid>');
    assert.equal(humanDuration(-1 * s), '0s');
    assert.equal(humanDuration(45 * s), '45s');
    assert.equal(humanDuration(119 * s), '119s');
    assert.equal(humanDuration(200 * s), '3m20s');
    assert.equal(humanDuration(5 * 60 * s), '5m');
    assert.equal(humanDuration(42 * 60 * s), '42m');
    assert.equal(humanDuration(5 * 3600 * s + 10 * 60 * s), '5h10m');
    assert.equal(humanDuration(20 * 3600 * s), '20h');
    assert.equal(humanDuration(3 * 86400 * s + 4 * 3600 * s), '3d4h');
    assert.equal(humanDuration(30 * 86400 * s), '30d');
    assert.equal(humanDuration(800 * 86400 * s), '2y70d');
    assert.equal(humanDuration(9 * 365 * 86400 * s), '9y');
  });

  it('treats a missing timestamp as unknown', () => {
    assert.equal(translateTimestampSince(undefined), '<unknown>');
    assert.equal(translateTimestampSince('2025-01-01T00:00:00Z', Date.parse('2025-01-01T00:01:00Z')), '60s');
  });
});
