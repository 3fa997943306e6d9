import { describe, expect, it } from 'vitest';
import { makeValidIdNumber } from '../../lambdas/domain/id-number.js';
import { idNumberProblem, isLateEntry, phoneProblem } from '../src/domain/intake.js';

const NOW = new Date('2026-12-04T02:00:00Z');

describe('the intake checks the API makes, made in the page first', () => {
  const valid = makeValidIdNumber('330681', '19650820', '123');

  it('accepts a well-formed ID number, a lower-case x included, and an empty one (it is optional)', () => {
    expect(idNumberProblem(valid, NOW)).toBeUndefined();
    expect(idNumberProblem(` ${valid} `, NOW)).toBeUndefined();
    const withX = ['000', '001', '002', '003', '004', '005', '006', '007', '008', '009', '010', '011']
      .map((seq) => makeValidIdNumber('330681', '19800101', seq))
      .find((id) => id.endsWith('X'));
    expect(withX).toBeDefined();
    expect(idNumberProblem(withX!.toLowerCase(), NOW)).toBeUndefined();
    expect(idNumberProblem('', NOW)).toBeUndefined();
  });

  it('names the first problem of an ID number as the API does: length, format, birth date, checksum', () => {
    expect(idNumberProblem(valid.slice(0, 17), NOW)).toBe('check.idLength');
    expect(idNumberProblem(`${valid.slice(0, 10)}A${valid.slice(11)}`, NOW)).toBe('check.idFormat');
    expect(idNumberProblem(`33068119650230${valid.slice(14)}`, NOW)).toBe('check.idBirthDate');
    expect(idNumberProblem(`33068120270101${valid.slice(14)}`, NOW)).toBe('check.idBirthDate');
    const wrongCheck = valid.slice(0, 17) + (valid[17] === '1' ? '2' : '1');
    expect(idNumberProblem(wrongCheck, NOW)).toBe('check.idChecksum');
  });

  it('takes mobile numbers and landlines, nothing else', () => {
    expect(phoneProblem('13857512345')).toBeUndefined();
    expect(phoneProblem('0575-87012345')).toBeUndefined();
    expect(phoneProblem('12857512345')).toBe('check.phone');
    expect(phoneProblem('1385751234')).toBe('check.phone');
    expect(phoneProblem('')).toBeUndefined();
  });

  it('calls a receipt more than three days back a late entry', () => {
    expect(isLateEntry('2026-12-01T09:00:00+08:00', NOW)).toBe(true);
    expect(isLateEntry('2026-12-01T11:00:00+08:00', NOW)).toBe(false);
    expect(isLateEntry(undefined, NOW)).toBe(false);
  });
});
