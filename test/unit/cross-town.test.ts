import { describe, expect, it } from 'vitest';
import {
  type CrossTownRef,
  crossTownIdentifiers,
  crossTownMacInput,
  crossTownRepeatView,
  otherTownRefs,
} from '../../lambdas/domain/cross-town.js';

/** Repeats across a deployment's towns: what each audience may see of them, and what the deployment index hashes. */

const ref = (town: string, caseId: string, registeredAt: string, extra: Partial<CrossTownRef> = {}) => ({
  town,
  caseId,
  number: `XF-20261128-${caseId.slice(-4).padStart(4, '0')}`,
  registeredAt,
  ...extra,
});

const A1 = ref('town-a', 'case-a-0001', '2026-11-20T01:00:00.000Z', {
  townName: '甲镇',
  townNameEn: 'Jia Town',
});
const A2 = ref('town-a', 'case-a-0002', '2026-11-22T01:00:00.000Z', { townName: '甲镇' });
const C1 = ref('town-c', 'case-c-0001', '2026-11-25T01:00:00.000Z');

describe('crossTownRepeatView', () => {
  it('shows a town only which towns hold an earlier or later case, once per town and relation', () => {
    const view = crossTownRepeatView({ earlierElsewhere: [A1, A2], laterElsewhere: [C1] }, 'town');
    expect(view).toEqual([
      { town: 'town-a', townName: '甲镇', townNameEn: 'Jia Town', relation: 'earlier' },
      { town: 'town-c', relation: 'later' },
    ]);
    const text = JSON.stringify(view);
    for (const hidden of ['case-a-0001', 'case-a-0002', 'case-c-0001', 'XF-', '2026-11'])
      expect(text).not.toContain(hidden);
  });

  it('shows the city every case, with its id, number and registration time', () => {
    expect(crossTownRepeatView({ earlierElsewhere: [A1, A2], laterElsewhere: [C1] }, 'city')).toEqual([
      { ...A1, relation: 'earlier' },
      { ...A2, relation: 'earlier' },
      { ...C1, relation: 'later' },
    ]);
  });

  it('is empty for a case without repeats elsewhere, for either audience', () => {
    for (const record of [
      {},
      { earlierElsewhere: undefined },
      { earlierElsewhere: [], laterElsewhere: [] },
    ]) {
      expect(crossTownRepeatView(record, 'town')).toEqual([]);
      expect(crossTownRepeatView(record, 'city')).toEqual([]);
    }
  });

  it('keeps a town that is both earlier and later as two entries', () => {
    expect(crossTownRepeatView({ earlierElsewhere: [A1], laterElsewhere: [A2] }, 'town')).toEqual([
      { town: 'town-a', townName: '甲镇', townNameEn: 'Jia Town', relation: 'earlier' },
      { town: 'town-a', townName: '甲镇', relation: 'later' },
    ]);
  });
});

describe('the deployment index', () => {
  it('is taken of ID numbers only, never of phones', () => {
    expect(crossTownIdentifiers(['id:33068119900315456X', 'phone:13800138000'])).toEqual([
      'id:33068119900315456X',
    ]);
    expect(crossTownIdentifiers(['phone:13800138000'])).toEqual([]);
  });

  it('hashes the category with the ID number under a label of its own', () => {
    const input = crossTownMacInput('labor_wages', 'id:330681199003154565');
    expect(input).toBe('cross-town-petitioner\nlabor_wages\nid:330681199003154565');
    expect(input).not.toBe(`petitioner\nid:330681199003154565`);
    expect(crossTownMacInput('land', 'id:330681199003154565')).not.toBe(input);
  });

  it('keeps the refs of other towns, each case once, oldest first', () => {
    const own = ref('town-b', 'case-b-0001', '2026-11-19T01:00:00.000Z');
    expect(otherTownRefs([C1, A2, own, A1, A2], 'town-b')).toEqual([A1, A2, C1]);
  });
});
