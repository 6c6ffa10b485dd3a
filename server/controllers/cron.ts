/**
 * Standard five-field cron schedules (minute hour day-of-month month day-of-week) with ranges,
 * steps, lists, month/day names, the @hourly-style macros and `CRON_TZ=`/`TZ=` prefixes, as
 * robfig/cron (used by the CronJob controller) reads them. Times are evaluated in a time zone
 * through Intl, so DST behaves as the zone does.
 */

export interface Schedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** day-of-month or day-of-week given as '*': robfig's rule for combining them */
  domStar: boolean;
  dowStar: boolean;
  timeZone?: string;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseField(text: string, min: number, max: number, names?: string[], nameBase = 0): Set<number> {
  const out = new Set<number>();
  const value = (s: string) => {
    const i = names ? names.indexOf(s.toLowerCase()) : -1;
    if (i >= 0) return i + nameBase;
    if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
    return Number(s);
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`failed to parse int from ${stepText}: strconv.Atoi: parsing "${stepText}": invalid syntax`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = value(a);
      hi = value(b);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min) throw new Error(`beginning of range (${lo}) below minimum (${min}): ${part}`);
    if (hi > max) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseSchedule(text: string, timeZone?: string): Schedule {
  let spec = text.trim();
  let tz = timeZone;
  const m = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(spec);
  if (m) {
    tz = m[1];
    spec = m[2];
  }
  spec = MACROS[spec] ?? spec;
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: ${spec}`);
  const dow = parseField(fields[4], 0, 7, DAYS);
  if (dow.has(7)) dow.add(0);
  return {
    minutes: parseField(fields[0], 0, 59),
    hours: parseField(fields[1], 0, 23),
    days: parseField(fields[2], 1, 31),
    months: parseField(fields[3], 1, 12, MONTHS, 1),
    weekdays: dow,
    domStar: fields[2] === '*' || fields[2] === '?',
    dowStar: fields[4] === '*' || fields[4] === '?',
    timeZone: tz,
  };
}

function partsIn(ms: number, tz: string | undefined) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz ?? 'UTC', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), weekday: DAYS.indexOf(String(p.weekday).toLowerCase().slice(0, 3)) };
}

export function matches(s: Schedule, ms: number): boolean {
  const t = partsIn(ms, s.timeZone);
  if (!s.minutes.has(t.minute) || !s.hours.has(t.hour) || !s.months.has(t.month)) return false;
  const dom = s.days.has(t.day);
  const dow = s.weekdays.has(t.weekday);
  // Both restricted: either may match (cron's classic rule); otherwise both must.
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/** The latest scheduled minute in (after, until], or undefined. Scans back minute by minute. */
export function lastScheduleBetween(s: Schedule, afterMs: number, untilMs: number): number | undefined {
  let t = Math.floor(untilMs / 60_000) * 60_000;
  const limit = Math.max(afterMs, untilMs - 366 * 24 * 3_600_000);
  for (; t > limit; t -= 60_000) if (matches(s, t)) return t;
  return undefined;
}

/** The next scheduled minute after `fromMs` (within a year). */
export function nextSchedule(s: Schedule, fromMs: number): number | undefined {
  let t = Math.floor(fromMs / 60_000) * 60_000 + 60_000;
  const limit = fromMs + 366 * 24 * 3_600_000;
  for (; t <= limit; t += 60_000) if (matches(s, t)) return t;
  return undefined;
}
