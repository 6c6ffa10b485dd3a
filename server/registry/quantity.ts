/**
 * resource.Quantity: parsing, canonical formatting and comparison, exact (BigInt) like
 * apimachinery's int64Amount/inf.Dec pair. A quantity is sign × digits × 10^exp; binary
 * suffixes are multiplied into the digits.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** ErrFormatWrong */
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${SPLIT_RE_STRING}'`;
/** ErrNumeric */
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
/** ErrSuffix */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityError extends Error {}

const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP = new Map(Object.entries(DEC_SUFFIXES).map(([s, e]) => [e, s]));
const BIN_BY_EXP = new Map(Object.entries(BIN_SUFFIXES).map(([s, e]) => [e, s]));

const MAX_INT64 = (1n << 63n) - 1n;
const NANO = -9;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

export class Quantity {
  /** the string upstream keeps when the input was already canonical (`q.s`) */
  private cached?: string;

  constructor(
    /** -1, 0 or 1 */
    readonly sign: -1 | 0 | 1,
    /** absolute value's digits (non-negative) */
    readonly digits: bigint,
    /** power of ten applied to digits */
    readonly exp: number,
    readonly format: QuantityFormat,
    original?: string,
  ) {
    this.cached = original;
  }

  isZero(): boolean {
    return this.sign === 0 || this.digits === 0n;
  }

  /** Compares values (not formats): -1, 0 or 1. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.signedAt(Math.min(this.exp, other.exp));
    const b = other.signedAt(Math.min(this.exp, other.exp));
    return a < b ? -1 : a > b ? 1 : 0;
  }

  private signedAt(exp: number): bigint {
    const v = this.digits * pow10(this.exp - exp);
    return this.sign < 0 ? -v : v;
  }

  /** Value rounded up to an integer (Quantity.Value()). */
  value(): number {
    return Number(this.scaledCeil(0));
  }

  /** MilliValue(): value × 1000, rounded up. */
  milliValue(): number {
    return Number(this.scaledCeil(-3));
  }

  private scaledCeil(exp: number): bigint {
    if (this.exp >= exp) {
      const v = this.digits * pow10(this.exp - exp);
      return this.sign < 0 ? -v : v;
    }
    const d = pow10(exp - this.exp);
    let q = this.digits / d;
    if (this.digits % d !== 0n) q += 1n;
    return this.sign < 0 ? -q : q;
  }

  /** Approximate float value (for display arithmetic). */
  toNumber(): number {
    return (this.sign < 0 ? -1 : 1) * Number(this.digits) * 10 ** this.exp;
  }

  add(other: Quantity): Quantity {
    const e = Math.min(this.exp, other.exp);
    const v = this.signedAt(e) + other.signedAt(e);
    return fromSigned(v, e, this.format);
  }

  sub(other: Quantity): Quantity {
    const e = Math.min(this.exp, other.exp);
    const v = this.signedAt(e) - other.signedAt(e);
    return fromSigned(v, e, this.format);
  }

  /** Canonical string (Quantity.String()). */
  toString(): string {
    if (this.cached !== undefined) return this.cached;
    this.cached = canonicalize(this);
    return this.cached;
  }

  toJSON(): string {
    return this.toString();
  }

  /**
   * Quantity.RoundUp(scale): rounds (away from zero) to 10^exp when finer, dropping the kept
   * input string only when rounding was needed.
   */
  roundUp(exp: number): Quantity {
    if (this.exp >= exp) return this;
    const d = pow10(exp - this.exp);
    let q = this.digits / d;
    if (this.digits % d !== 0n) q += 1n;
    return new Quantity(q === 0n ? 0 : this.sign, q, exp, this.format);
  }
}

function fromSigned(v: bigint, exp: number, format: QuantityFormat): Quantity {
  const sign: -1 | 0 | 1 = v < 0n ? -1 : v > 0n ? 1 : 0;
  return new Quantity(sign, v < 0n ? -v : v, exp, format);
}

function removeFactors(v: bigint, f: bigint): { v: bigint; times: number } {
  let times = 0;
  if (v === 0n) return { v, times };
  while (v % f === 0n) {
    v /= f;
    times++;
  }
  return { v, times };
}

function canonicalize(q: Quantity): string {
  if (q.isZero()) return '0';
  let format = q.format;
  const neg = q.sign < 0 ? '-' : '';
  if (format === 'BinarySI') {
    const small = q.exp >= 0 ? q.digits * pow10(q.exp) < 1024n : q.digits < 1024n * pow10(-q.exp);
    if (small) format = 'DecimalSI';
    else if (q.exp < 0 && q.digits % pow10(-q.exp) !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    const int = q.exp >= 0 ? q.digits * pow10(q.exp) : q.digits / pow10(-q.exp);
    const { v, times } = removeFactors(int, 1024n);
    const suffix = BIN_BY_EXP.get(times * 10);
    if (suffix !== undefined) return `${neg}${v}${suffix}`;
    // beyond Ei: keep the largest suffix
    const capped = v * 1024n ** BigInt(times - 6);
    return `${neg}${capped}Ei`;
  }
  let { v, times } = removeFactors(q.digits, 10n);
  let exponent = q.exp + times;
  while (exponent % 3 !== 0) {
    v *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${neg}${v}` : `${neg}${v}e${exponent}`;
  const suffix = DEC_BY_EXP.get(exponent);
  if (suffix !== undefined) return `${neg}${v}${suffix}`;
  if (exponent > 18) return `${neg}${v * pow10(exponent - 18)}E`;
  return `${neg}${v}e${exponent}`;
}

interface Split {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString: sign, numerator, denominator and suffix, or ErrFormatWrong. */
function splitQuantity(str: string): Split {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') {
      pos++;
    }
  }
  for (;;) {
    if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
    if (str[pos] === '0') pos++;
    else break;
  }
  const isDigit = (c: string) => c >= '0' && c <= '9';
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  const num = str.slice(pos, i);
  if (i >= end) return { positive, num, denom: '', suffix: '' };
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && isDigit(str[j])) j++;
    denom = str.slice(pos, j);
    if (j >= end) return { positive, num, denom, suffix: '' };
    pos = j;
  }
  const suffixStart = pos;
  let k = pos;
  while (k < end && 'eEinumkKMGTP'.includes(str[k])) k++;
  if (k >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  if (str[k] === '-' || str[k] === '+') k++;
  while (k < end && isDigit(str[k])) k++;
  if (k >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(QUANTITY_FORMAT_ERROR);
}

function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: QuantityFormat } {
  if (s in DEC_SUFFIXES) return { base: 10, exponent: DEC_SUFFIXES[s], format: 'DecimalSI' };
  if (s in BIN_SUFFIXES) return { base: 2, exponent: BIN_SUFFIXES[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?\d+$/.test(s.slice(1))) {
    const e = Number(s.slice(1));
    if (Number.isSafeInteger(e) && Math.abs(e) < 1e6) return { base: 10, exponent: e, format: 'DecimalExponent' };
  }
  throw new QuantityError(QUANTITY_SUFFIX_ERROR);
}

/** ParseQuantity. Throws QuantityError with upstream's message. */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? numberText(input) : input;
  if (typeof str !== 'string' || str.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  if (str === '0') return new Quantity(0, 0n, 0, 'DecimalSI', '0');
  const { positive, num, denom, suffix } = splitQuantity(str);
  const { base, exponent, format: fmt } = interpretSuffix(suffix);
  let format = fmt;

  // Fast path of upstream: decides whether the input string is kept as the canonical form.
  let keep = false;
  let precision = 0;
  let scale = 0;
  if (format === 'BinarySI') {
    precision = exponent >= 0 && denom.length === 0 ? 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 : -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      if (shifted.length > 0 && /^\d+$/.test(shifted)) {
        const value = BigInt(shifted);
        const mantissa = format === 'BinarySI' ? 1n << BigInt(exponent) : 1n;
        if (value * mantissa <= MAX_INT64) {
          if (format === 'BinarySI') keep = exponent % 10 === 0 && (value & 7n) !== 0n;
          else keep = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        }
      } else if (shifted.length === 0) {
        // "." or ".e3": upstream's strconv.ParseInt fails
        throw new QuantityError(QUANTITY_NUMERIC_ERROR);
      }
    }
  }

  const text = num + denom;
  if (!/^\d*$/.test(text) || text.length === 0) throw new QuantityError(QUANTITY_NUMERIC_ERROR);
  let digits = BigInt(text);
  let exp = -denom.length;
  if (base === 10) exp += exponent;
  else digits <<= BigInt(exponent);
  // Round non-zero values up (away from zero) to nano precision.
  if (digits !== 0n && exp < NANO) {
    const d = pow10(NANO - exp);
    const q = digits / d;
    digits = digits % d === 0n ? q : q + 1n;
    exp = NANO;
  }
  if (format === 'BinarySI') {
    const asInt = exp >= 0 ? digits * pow10(exp) : digits;
    const limit = exp >= 0 ? MAX_INT64 : MAX_INT64 * pow10(-exp);
    if ((exp >= 0 ? asInt : digits) > limit) {
      digits = MAX_INT64;
      exp = 0;
    }
    const belowOne = exp >= 0 ? digits * pow10(exp) < 1n : digits < pow10(-exp);
    if (belowOne && digits > 0n) format = 'DecimalSI';
  }
  const sign: -1 | 0 | 1 = digits === 0n ? 0 : positive ? 1 : -1;
  return new Quantity(sign, digits, exp, format, keep && digits !== 0n ? str : undefined);
}

/** A JSON number as Go would see its text. */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(n).replace('e+', 'e');
}

export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

/** The canonical serialisation the API server stores for a quantity (e.g. "0.5" → "500m"). */
export function canonicalQuantity(input: string | number): string {
  return parseQuantity(input).toString();
}

/** -1, 0 or 1 comparing two quantities' values. */
export function compareQuantities(a: string | number | Quantity, b: string | number | Quantity): -1 | 0 | 1 {
  const qa = a instanceof Quantity ? a : parseQuantity(a);
  const qb = b instanceof Quantity ? b : parseQuantity(b);
  return qa.cmp(qb);
}

/**
 * Canonicalises every value of a ResourceList in place (rounded up to milli units, as
 * SetDefaults_ResourceList does); throws QuantityError on the first bad
 * one (a decode error upstream: the request is rejected before validation).
 */
export function canonicalizeResourceList(list: Record<string, unknown> | undefined | null): void {
  if (!list || typeof list !== 'object') return;
  for (const k of Object.keys(list)) {
    const v = list[k];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw new QuantityError(QUANTITY_FORMAT_ERROR);
    // SetDefaults_ResourceList rounds every value up to milli precision.
    list[k] = parseQuantity(v).roundUp(-3).toString();
  }
}
