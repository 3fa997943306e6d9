import type { CaseRecord } from '../domain/case.js';
import { maskIdNumber, maskPhone } from '../domain/masking.js';

/** A case as staff see it by default: ID numbers and phones masked, the town left implicit. */
export function caseView(record: CaseRecord) {
  const { town: _town, gridPath: _gridPath, timelineHead: _head, ...rest } = record;
  return {
    ...rest,
    petitioners: record.petitioners.map((p) => ({
      ...p,
      ...(p.idNumber ? { idNumber: maskIdNumber(p.idNumber) } : {}),
      ...(p.phone ? { phone: maskPhone(p.phone) } : {}),
    })),
  };
}
