/**
 * Resident identity numbers (公民身份号码, GB 11643-1999): a 6-digit area code, an 8-digit birth date, a 3-digit
 * sequence number and a check character computed with ISO 7064 MOD 11-2.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

type IdNumberCheck =
  | { ok: true; value: string }
  | { ok: false; reason: 'length' | 'format' | 'birth_date' | 'checksum' };

export function normaliseIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const monthDays = [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return m >= 1 && m <= 12 && d >= 1 && d <= (monthDays[m - 1] ?? 0);
}

/**
 * Checks an ID number; `today` (`YYYY-MM-DD`, Beijing) bounds the birth date, which must also be a real date
 * from 1900 on. Reasons are reported in this order: length, format, birth_date, checksum.
 */
export function checkIdNumber(raw: string, today: string): IdNumberCheck {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today))
    throw new Error(`today must be YYYY-MM-DD, got ${JSON.stringify(today)}`);
  const value = normaliseIdNumber(raw);
  if (value.length !== 18) return { ok: false, reason: 'length' };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, reason: 'format' };
  const birth = value.slice(6, 14);
  if (!isRealDate(birth) || birth < '19000101' || birth > today.replaceAll('-', '')) {
    return { ok: false, reason: 'birth_date' };
  }
  if (checkChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'checksum' };
  return { ok: true, value };
}

/** Builds a well-formed ID number with its check character (for tests and demo data). */
export function makeValidIdNumber(areaCode6: string, birth8: string, seq3: string): string {
  if (!/^\d{6}$/.test(areaCode6)) throw new Error(`area code must be 6 digits: ${JSON.stringify(areaCode6)}`);
  if (!/^\d{8}$/.test(birth8) || !isRealDate(birth8)) {
    throw new Error(`birth date must be a real YYYYMMDD date: ${JSON.stringify(birth8)}`);
  }
  if (!/^\d{3}$/.test(seq3)) throw new Error(`sequence must be 3 digits: ${JSON.stringify(seq3)}`);
  const first17 = areaCode6 + birth8 + seq3;
  return first17 + checkChar(first17);
}
