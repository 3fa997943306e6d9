import { describe, expect, it } from 'vitest';
import { RuleViolationError } from '../../lambdas/domain/errors.js';
import { maskAddress, maskName } from '../../lambdas/domain/masking.js';
import {
  assertErasable,
  erasedForms,
  personalFields,
  protectedDescription,
  protectedPetitioners,
} from '../../lambdas/domain/personal.js';

/** What is sealed, what a case keeps in the open, and what erasure leaves. */

const PERSON = {
  name: '张三',
  idNumber: '33068119800101123X',
  phone: '13912345678',
  address: '浙江省绍兴市诸暨市枫桥镇东村12号',
};

describe('maskName and maskAddress', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳小明', '欧***'],
    ['王', '*'],
    ['', '*'],
  ])('name %j → %j', (name, masked) => expect(maskName(name)).toBe(masked));

  it.each([
    ['浙江省绍兴市诸暨市枫桥镇东村12号', '浙江省****'],
    ['东村3组12号', '东村3****'],
    ['东村12号', '****'],
  ])('address %j → %j', (address, masked) => expect(maskAddress(address)).toBe(masked));
});

describe('an ordinary case', () => {
  const input = { type: 'claim', description: '工地拖欠工资', petitioners: [PERSON, { name: '李四' }] };

  it('seals ID numbers, phones and addresses, and nothing of a petitioner who has none', () => {
    expect(personalFields(input)).toEqual({
      'petitioners.0.idNumber': PERSON.idNumber,
      'petitioners.0.phone': PERSON.phone,
      'petitioners.0.address': PERSON.address,
    });
  });

  it('keeps names and the description, the rest masked', () => {
    expect(protectedPetitioners(input)).toEqual([
      {
        name: '张三',
        idNumberMasked: '330681********123X',
        phoneMasked: '139****5678',
        addressMasked: '浙江省****',
      },
      { name: '李四' },
    ]);
    expect(protectedDescription(input)).toBe('工地拖欠工资');
  });
});

describe('an accusation', () => {
  const input = { type: 'accusation', description: '村干部虚报冒领补贴', petitioners: [PERSON] };

  it('also seals the accuser’s name and the accusation, and keeps only their masked forms', () => {
    expect(personalFields(input)).toMatchObject({
      'petitioners.0.name': '张三',
      description: '村干部虚报冒领补贴',
    });
    expect(protectedPetitioners(input)[0]?.name).toBe('张*');
    expect(protectedDescription(input)).toBe('[sealed]');
  });

  it('erases names, every masked field it had, and the description', () => {
    expect(erasedForms({ type: 'accusation', petitioners: protectedPetitioners(input) })).toEqual({
      petitioners: [
        { name: '[erased]', idNumberMasked: '[erased]', phoneMasked: '[erased]', addressMasked: '[erased]' },
      ],
      description: '[erased]',
    });
  });
});

describe('assertErasable', () => {
  const code = (record: Parameters<typeof assertErasable>[0]) => {
    try {
      assertErasable(record);
      return 'ok';
    } catch (error) {
      return error instanceof RuleViolationError ? error.code : 'other';
    }
  };

  it('erases a closed, withdrawn, declined, transferred or returned case once', () => {
    for (const status of ['closed', 'withdrawn', 'declined', 'transferred', 'returned'] as const)
      expect(code({ status })).toBe('ok');
    expect(code({ status: 'closed', personal: { state: 'erased', at: '2036-01-01T00:00:00.000Z' } })).toBe(
      'already-erased',
    );
  });

  it('keeps the data of a case still being handled', () => {
    for (const status of ['registered', 'accepted', 'replied', 'under_review', 'reviewed'] as const)
      expect(code({ status })).toBe('case-open');
  });
});
