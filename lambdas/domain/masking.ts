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
