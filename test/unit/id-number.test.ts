import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIdNumber, makeValidIdNumber, normaliseIdNumber } from '../../lambdas/domain/id-number.js';

const TODAY = '2026-11-20';

// Independent check-character computation, so bad birth dates can be tested with a correct checksum.
function withCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return first17 + '10X98765432'.charAt(sum % 11);
}

describe('makeValidIdNumber', () => {
  it('computes the check character', () => {
    // The public GB 11643 example.
    expect(makeValidIdNumber('110105', '19491231', '002')).toBe('11010519491231002X');
    expect(makeValidIdNumber('330106', '19900101', '123')).toBe(withCheck('33010619900101123'));
    expect(makeValidIdNumber('330106', '19900101', '123')).toHaveLength(18);
  });

  it('rejects malformed parts', () => {
    expect(() => makeValidIdNumber('33010', '19900101', '123')).toThrow(Error);
    expect(() => makeValidIdNumber('330106', '19900230', '123')).toThrow(Error);
    expect(() => makeValidIdNumber('330106', '19900101', '12')).toThrow(Error);
  });
});

describe('checkIdNumber', () => {
  it('accepts the public example, with upper- or lowercase x, and around spaces', () => {
    expect(checkIdNumber('11010519491231002X', TODAY)).toEqual({ ok: true, value: '11010519491231002X' });
    expect(checkIdNumber('11010519491231002x', TODAY)).toEqual({ ok: true, value: '11010519491231002X' });
    expect(checkIdNumber(' 11010519491231002x\n', TODAY)).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('accepts generated numbers', () => {
    for (const [area, birth, seq] of [
      ['330106', '19900101', '123'],
      ['440305', '20000229', '001'],
      ['510104', '19000101', '999'],
      ['330110', '20261120', '456'], // born today
    ] as const) {
      const id = makeValidIdNumber(area, birth, seq);
      expect(checkIdNumber(id, TODAY)).toEqual({ ok: true, value: id });
    }
  });

  it.each([
    ['', 'length'],
    ['1101051949123100', 'length'],
    ['11010519491231002X1', 'length'],
    ['11010519491231002XX', 'length'],
    ['1101051949123100XX', 'format'],
    ['11010519491231002Y', 'format'],
    ['110105194912310０2X', 'format'], // full-width digit
    ['A1010519491231002X', 'format'],
    [withCheck('33010619900230123'), 'birth_date'],
    [withCheck('33010619901301123'), 'birth_date'],
    [withCheck('33010619900100123'), 'birth_date'],
    [withCheck('33010619000229123'), 'birth_date'], // 1900 is not a leap year
    [withCheck('33010618991231123'), 'birth_date'],
    [withCheck('33010620261121123'), 'birth_date'], // tomorrow
    ['110105194912310021', 'checksum'],
    ['110105194912310020', 'checksum'],
  ] as const)('rejects %j: %s', (raw, reason) => {
    expect(checkIdNumber(raw, TODAY)).toEqual({ ok: false, reason });
  });

  it('requires a YYYY-MM-DD today', () => {
    expect(() => checkIdNumber('11010519491231002X', '20261120')).toThrow(Error);
  });

  it('accepts every generated number and rejects every single-character change of its check character', () => {
    const digits = (n: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
    const birth = fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2026-11-20T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
    fc.assert(
      fc.property(digits(6), birth, digits(3), fc.constantFrom(...'0123456789X'), (area, b, seq, other) => {
        const id = makeValidIdNumber(area, b, seq);
        expect(checkIdNumber(id.toLowerCase(), TODAY)).toEqual({ ok: true, value: id });
        if (other !== id[17]) {
          expect(checkIdNumber(id.slice(0, 17) + other, TODAY)).toEqual({ ok: false, reason: 'checksum' });
        }
      }),
    );
  });
});

describe('normaliseIdNumber', () => {
  it('trims and uppercases', () => {
    expect(normaliseIdNumber('  11010519491231002x ')).toBe('11010519491231002X');
  });
});
