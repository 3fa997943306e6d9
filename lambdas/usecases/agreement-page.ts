import type { GridRepository } from '../adapters/grid-repository.js';
import type { PersonalVault } from '../adapters/personal-vault.js';
import type { PrivacyRepository } from '../adapters/privacy-repository.js';
import { type AgreementParty, agreementOf, agreementParties, agreementView } from '../domain/agreement.js';
import type { CaseRecord } from '../domain/case.js';
import { COMMITTEE_LABELS, labelOf } from '../domain/catalog.js';
import { fieldPath } from '../domain/personal.js';
import type { TimelineEvent } from '../domain/timeline.js';

/**
 * The agreement for the parties to sign: its parties named in clear (their ID numbers and addresses unsealed under the
 * case's data key), after the reading is in the reveal log like any reveal; a reading that cannot be logged shows
 * nothing. The JSON form keeps the parties as the case keeps them, masked.
 */

/** What the reveal log says the page was for. */
const PURPOSE = '打印人民调解协议书，供当事人核对签署';
const PAGE_FIELDS = ['name', 'idNumber', 'address'] as const;

interface PagePorts {
  vault: Pick<PersonalVault, 'open'>;
  privacy: Pick<PrivacyRepository, 'appendReveal'>;
  grids: Pick<GridRepository, 'get'>;
}

/** The parties as the case keeps them: names, ID numbers and addresses masked. */
export const maskedParties = (record: CaseRecord): AgreementParty[] =>
  agreementParties(record, (index) => {
    const p = record.petitioners[index];
    return {
      name: p?.name ?? '',
      ...(p?.idNumberMasked ? { idNumber: p.idNumberMasked } : {}),
      ...(p?.addressMasked ? { address: p.addressMasked } : {}),
    };
  });

/** The committee as the page names it: the village grid's committee, or the town's. */
async function committeeName(ports: PagePorts, record: CaseRecord, language: 'zh' | 'en'): Promise<string> {
  const { mediation } = agreementOf(record);
  const grid =
    mediation.committee === 'village' && record.gridId
      ? await ports.grids.get(record.town, record.gridId)
      : undefined;
  if (!grid) return labelOf(COMMITTEE_LABELS, mediation.committee, language);
  return language === 'zh' ? `${grid.name}人民调解委员会` : `${grid.name} Mediation Committee`;
}

export async function agreementForSigning(
  ports: PagePorts,
  record: CaseRecord,
  request: { actor: TimelineEvent['actor']; now: Date; language: 'zh' | 'en' },
) {
  const { mediation } = agreementOf(record);
  const indexes = mediation.parties.petitioners;
  const paths = indexes.flatMap((i) => PAGE_FIELDS.map((field) => fieldPath(i, field)));
  const personal = record.personal;
  const opened =
    personal?.state === 'sealed' ? await ports.vault.open(record.town, record.id, personal, paths) : {};
  await ports.privacy.appendReveal(record.town, {
    at: request.now.toISOString(),
    caseId: record.id,
    caseNumber: record.number,
    actor: request.actor,
    fields: [...PAGE_FIELDS],
    purpose: PURPOSE,
  });
  const erased = personal?.state === 'erased';
  const parties = agreementParties(record, (index) => {
    const kept = record.petitioners[index];
    const clear = (field: (typeof PAGE_FIELDS)[number]) => opened[fieldPath(index, field)];
    // an erased case keeps only `[erased]`; a name not sealed is kept in the clear
    const idNumber = clear('idNumber') ?? (erased ? kept?.idNumberMasked : undefined);
    const address = clear('address') ?? (erased ? kept?.addressMasked : undefined);
    return {
      name: clear('name') ?? kept?.name ?? '',
      ...(idNumber ? { idNumber } : {}),
      ...(address ? { address } : {}),
    };
  });
  return {
    view: agreementView(record, parties, request.language),
    committee: await committeeName(ports, record, request.language),
  };
}
