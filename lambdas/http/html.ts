/** What every printed page shares, small enough for any function to bundle: content negotiation and escaping. */

/** Whether the Accept header ranks text/html above JSON (`*` ranges count at their own quality). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
  });
  const quality = (mime: string) =>
    (
      ranges.find((r) => r.type === mime) ??
      ranges.find((r) => r.type === `${mime.split('/')[0]}/*`) ??
      ranges.find((r) => r.type === '*/*')
    )?.q ?? 0;
  const html = quality('text/html');
  return html > 0 && html > quality('application/json');
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
