// Formatting of the API's values: money is integer pence (int64, a JSON string), WTE and
// percentages are basis points, dates are {year, month, day}. Money is handled as BigInt
// end to end: no pence value is ever a floating-point number except when handed to the
// chart as a plotting coordinate.

const grouping = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

// BigInt of an int64/uint64 field: a string ("123456"), a number, or missing (0).
export function big(value) {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  return BigInt(String(value).trim());
}

// 123456 pence -> "£1,234.56"; -1200 -> "-£12.00" (as the CLI's FormatPounds).
export function money(pence) {
  const value = big(pence);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const pounds = grouping.format(abs / 100n);
  const rest = String(abs % 100n).padStart(2, '0');
  return `${negative ? '-' : ''}£${pounds}.${rest}`;
}

// Pounds as a Number, only for plotting.
export function poundsForChart(pence) {
  const value = big(pence);
  return Number(value / 100n) + Number(value % 100n) / 100;
}

// "1,234.56", "£1234.5", "-12" -> pence as BigInt; null when not an amount.
export function parsePounds(text) {
  const cleaned = String(text).trim().replace(/^£/, '').replace(/,/g, '');
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return null;
  const pence = BigInt(m[2]) * 100n + BigInt((m[3] || '0').padEnd(2, '0'));
  return m[1] ? -pence : pence;
}

// 10000 -> "1.0", 5000 -> "0.5", 12500 -> "1.25" (as the CLI's FormatWte).
export function wte(bp) {
  const value = Number(bp || 0);
  const magnitude = Math.abs(value);
  let out = `${value < 0 ? '-' : ''}${Math.trunc(magnitude / 10000)}.${String(magnitude % 10000).padStart(4, '0')}`;
  while (out.endsWith('0') && out[out.length - 2] !== '.') out = out.slice(0, -1);
  return out;
}

export function signedWte(bp) {
  const value = Number(bp || 0);
  return value > 0 ? `+${wte(value)}` : wte(value);
}

// 7000 -> "70%", 7050 -> "70.50%".
export function percentBp(bp) {
  const value = Number(bp || 0);
  if (value % 100 === 0) return `${value / 100}%`;
  return `${Math.trunc(value / 100)}.${String(Math.abs(value % 100)).padStart(2, '0')}%`;
}

// 2024 -> "2024/25" (the first calendar year of the financial year).
export function financialYear(year) {
  return `${year}/${String((Number(year) + 1) % 100).padStart(2, '0')}`;
}

export function isSetDate(d) {
  return Boolean(d && (d.year || d.month || d.day));
}

// {year: 2024, month: 6, day: 30} -> "2024-06-30"; unset -> "".
export function dateText(d) {
  if (!isSetDate(d)) return '';
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

const longMonth = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

// {year: 2024, month: 6} -> "June 2024".
export function monthName(d, short = false) {
  if (!isSetDate(d)) return '';
  const date = new Date(Date.UTC(d.year, d.month - 1, 1));
  return (short ? shortMonth : longMonth).format(date);
}

// "2024-06-30" -> {year: 2024, month: 6, day: 30}; null when not a valid civil date.
export function parseDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || '').trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return { year, month, day };
}

export function todayUtc() {
  const now = new Date();
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() };
}

// The financial year (1 April to 31 March) a date falls in.
export function financialYearOf(d) {
  return d.month >= 4 ? d.year : d.year - 1;
}

export function compareDates(a, b) {
  return (a.year - b.year) || (a.month - b.month) || (a.day - b.day);
}

// Microseconds since the epoch (a string) -> "2025-01-31T09:15:02Z" (as the CLI).
export function microsText(micros) {
  const value = big(micros);
  if (value === 0n) return '';
  const date = new Date(Number(value / 1000n));
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// "2025-01-31T09:15:02Z" or "2025-01-31T09:15" (UTC) -> microseconds as a string.
export function parseTimeToMicros(text) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z?$/.exec(String(text || '').trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] || '00'}Z`);
  if (Number.isNaN(ms)) return null;
  return (BigInt(ms) * 1000n).toString();
}

// CLINICAL_PHARMACIST -> "clinical pharmacist" (as the CLI's RoleName); sentence() for
// headings and table cells.
export function enumWords(name) {
  return String(name || '').toLowerCase().replace(/_/g, ' ');
}

export function sentence(text) {
  const s = String(text || '');
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

export function roleName(role) {
  return sentence(enumWords(role)).replace(/\bgp\b/gi, 'GP');
}

export function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}
