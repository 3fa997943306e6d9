/** Masking of personal identifiers for display (PIPL): only enough is kept to tell records apart. */

function keepEnds(s: string, head: number, tail: number): string {
  return s.slice(0, head) + '*'.repeat(s.length - head - tail) + s.slice(s.length - tail);
}

/** Keeps the area code (first 6) and the last 4: `330106********1234`. */
export function maskIdNumber(id: string): string {
  // 15 is the length of the older (1989) ID numbers; anything shorter would reveal too much of itself.
  return id.length >= 15 ? keepEnds(id, 6, 4) : '*'.repeat(id.length);
}

/** Keeps the first 3 and the last 4: `139****5678`; numbers shorter than 8 characters are masked entirely. */
export function maskPhone(phone: string): string {
  return phone.length >= 8 ? keepEnds(phone, 3, 4) : '*'.repeat(phone.length);
}

/** Keeps the first character, usually the surname: `张三` → `张*`. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  return chars.length > 1 ? `${chars[0]}${'*'.repeat(chars.length - 1)}` : '*';
}

/** Keeps the first three characters (province or village) and hides the rest and its length. */
export function maskAddress(address: string): string {
  const chars = Array.from(address);
  return chars.length >= 6 ? `${chars.slice(0, 3).join('')}****` : '****';
}
