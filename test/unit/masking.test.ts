import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskPhone } from '../../lambdas/domain/masking.js';

describe('maskIdNumber', () => {
  it.each([
    ['330106199001011234', '330106********1234'],
    ['11010519491231002X', '110105********002X'],
    ['330106900101123', '330106*****1123'], // 15-digit (1989) number
    ['33010690010112', '**************'],
    ['', ''],
  ])('%j → %j', (id, masked) => {
    expect(maskIdNumber(id)).toBe(masked);
  });
});

describe('maskPhone', () => {
  it.each([
    ['13912345678', '139****5678'],
    ['057187654321', '057*****4321'],
    ['12345678', '123*5678'],
    ['1234567', '*******'],
    ['110', '***'],
    ['', ''],
  ])('%j → %j', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});
