import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, positionIndex, startKeyOf } from '../../lambdas/adapters/cursor.js';
import { InvalidCursorError } from '../../lambdas/domain/errors.js';
import { problemResponse, toProblem } from '../../lambdas/http/problem.js';

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('list cursors', () => {
  it('round-trip a position', () => {
    const position = { source: 1, key: { pk: 'T#a#C#1', sk: 'CASE' } };
    expect(decodeCursor(encodeCursor(position), ['source', 'key'])).toEqual(position);
  });

  it.each([
    ['not base64url JSON', '%%%'],
    ['an array', base64url('[]')],
    ['a number', base64url('1')],
    ['a field no list issues', base64url('{"source":0,"month":0}')],
  ])('refuse %s as an InvalidCursorError', (_, cursor) => {
    expect(() => decodeCursor(cursor, ['source', 'key'])).toThrow(InvalidCursorError);
  });

  it('take a start key with exactly the planned attributes, each inside its range', () => {
    const plan = { pk: { equals: 'T#a#INBOX#u' }, sk: { prefix: 'N#' } } as const;
    expect(startKeyOf({ pk: 'T#a#INBOX#u', sk: 'N#1' }, plan)).toEqual({ pk: 'T#a#INBOX#u', sk: 'N#1' });
    for (const key of [
      { pk: 'T#b#INBOX#u', sk: 'N#1' },
      { pk: 'T#a#INBOX#u', sk: 'X#1' },
      { pk: 'T#a#INBOX#u', sk: 'N#1', gsi1pk: 'x' },
      { pk: 'T#a#INBOX#u' },
      { pk: 'T#a#INBOX#u', sk: 7 },
      { pk: 'T#a#INBOX#u', sk: '' },
    ])
      expect(() => startKeyOf(key, plan)).toThrow(InvalidCursorError);
  });

  it('refuse a sort key at the upper bound of a BETWEEN range', () => {
    const plan = { pk: { equals: 'p' }, sk: { from: '2026-11-01', below: '2026-11-02' } } as const;
    expect(startKeyOf({ pk: 'p', sk: '2026-11-01T10:00' }, plan)).toEqual({
      pk: 'p',
      sk: '2026-11-01T10:00',
    });
    expect(() => startKeyOf({ pk: 'p', sk: '2026-11-02' }, plan)).toThrow(InvalidCursorError);
  });

  it('take a source index only when it names one', () => {
    expect(positionIndex(1, 2)).toBe(1);
    for (const value of [2, -1, 0.5, '1']) expect(() => positionIndex(value, 2)).toThrow(InvalidCursorError);
  });

  it('answer a forged one as a 400 naming cursor', () => {
    const problem = toProblem(new InvalidCursorError());
    expect(problem.status).toBe(400);
    expect(problem.type).toBe('validation');
    const body = JSON.parse(problemResponse(problem, { language: 'zh' }).body ?? '{}');
    expect(body.detail).toBe('翻页参数无效，请从第一页重新查询');
    expect(body.errors).toEqual([{ path: 'cursor', message: '不是本列表给出的翻页参数' }]);
  });
});
