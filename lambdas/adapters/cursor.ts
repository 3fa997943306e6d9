import { InvalidCursorError } from '../domain/errors.js';

/**
 * List cursors: a position in a list's plan, as base64url JSON. A cursor comes back from the client, so it is checked
 * against the very Query it is decoded for before it becomes an `ExclusiveStartKey`: exactly the key attributes that
 * Query's items carry, each a non-empty string no longer than a DynamoDB sort key may be, the partition the one being
 * read, the sort key inside the key condition's range. Anything else is an `InvalidCursorError` (a 400 naming
 * `cursor`), never a DynamoDB error, and never a position outside what the caller may list.
 */

/**
 * What a key attribute of a start key may be: the one value (a partition), a value that begins with a prefix
 * (`begins_with`), a value in `[from, below)` (`BETWEEN`; DynamoDB refuses a start key at the upper bound), or any.
 */
export type KeyRange = { equals: string } | { prefix: string } | { from: string; below: string } | 'any';

/** A sort key holds at most 1024 bytes; no key attribute a list issues is longer. */
const MAX_KEY_BYTES = 1024;

/** DynamoDB orders strings by their UTF-8 bytes. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function inRange(value: string, range: KeyRange): boolean {
  if (range === 'any') return true;
  if ('equals' in range) return value === range.equals;
  if ('prefix' in range) return value.startsWith(range.prefix);
  return byteOrder(range.from, value) <= 0 && byteOrder(value, range.below) < 0;
}

/** The start key a cursor names, if it has exactly the attributes of `plan`, each a non-empty string in its range. */
export function startKeyOf(value: unknown, plan: Readonly<Record<string, KeyRange>>): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidCursorError();
  const given = new Map<string, unknown>(Object.entries(value));
  const names = Object.keys(plan);
  if (given.size !== names.length) throw new InvalidCursorError();
  const key: Record<string, string> = {};
  for (const name of names) {
    const attribute = given.get(name);
    if (
      typeof attribute !== 'string' ||
      attribute.length === 0 ||
      Buffer.byteLength(attribute) > MAX_KEY_BYTES ||
      !inRange(attribute, plan[name]!)
    )
      throw new InvalidCursorError();
    key[name] = attribute;
  }
  return key;
}

/** A position as a cursor. */
export const encodeCursor = (position: object): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

/** A cursor's position: a JSON object of these fields and no others, not yet checked against any plan. */
export function decodeCursor<F extends string>(
  cursor: string,
  fields: readonly F[],
): Partial<Record<F, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidCursorError();
  if (Object.keys(parsed).some((name) => !(fields as readonly string[]).includes(name)))
    throw new InvalidCursorError();
  return parsed as Partial<Record<F, unknown>>;
}

/** An index into a plan's list of sources (or months): a whole number that names one. */
export function positionIndex(value: unknown, length: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= length)
    throw new InvalidCursorError();
  return value;
}
