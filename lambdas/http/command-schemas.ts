import * as z from 'zod/mini';
import { HttpProblem } from './problem.js';

/** `?verify=true` recomputes the timeline's keyed hash chain. */
export const timelineQuery = z.strictObject({ verify: z.optional(z.enum(['true', 'false'])) });

export const noteBody = z.strictObject({
  text: z.string().check(z.trim(), z.minLength(1), z.maxLength(4000)),
});

/** `If-Match: "3"` (or `W/"3"`, or `3`) → 3; anything else matches no version. */
export function parseIfMatch(header: string): number | undefined {
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  return match ? Number(match[1]) : undefined;
}

/** A command's `If-Match` header, or 428: commands name the version they were decided on. */
export function requireIfMatch(request: { header(name: string): string | undefined }): string {
  const ifMatch = request.header('if-match');
  if (ifMatch === undefined) throw new HttpProblem('precondition-required', (m) => m.detail['if-match']);
  return ifMatch;
}
