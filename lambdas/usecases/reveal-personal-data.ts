import type { PersonalVault } from '../adapters/personal-vault.js';
import type { PrivacyRepository } from '../adapters/privacy-repository.js';
import type { CaseRecord } from '../domain/case.js';
import { fieldPath, type PersonalField, type ProtectedPetitioner } from '../domain/personal.js';
import type { TimelineEvent } from '../domain/timeline.js';

type PetitionerField = Exclude<PersonalField, 'description'>;

/** What the case keeps of a field: the clear name of an ordinary case, or `[erased]` once erased. */
const keptForm = (p: ProtectedPetitioner, field: PetitionerField): string | undefined =>
  ({ name: p.name, idNumber: p.idNumberMasked, phone: p.phoneMasked, address: p.addressMasked })[field];

/**
 * The clear values of the asked fields of a case, after its reveal is in the log (who, when, which fields, why;
 * never the values): a reveal that cannot be logged reveals nothing.
 */
export async function revealPersonalData(
  deps: { vault: PersonalVault; privacy: PrivacyRepository },
  record: CaseRecord,
  request: { actor: TimelineEvent['actor']; fields: readonly PersonalField[]; purpose: string; now: Date },
) {
  const petitionerFields = request.fields.filter((f): f is PetitionerField => f !== 'description');
  const paths = [
    ...record.petitioners.flatMap((_, i) => petitionerFields.map((field) => fieldPath(i, field))),
    ...(request.fields.includes('description') ? ['description'] : []),
  ];
  const personal = record.personal;
  const opened =
    personal?.state === 'sealed' ? await deps.vault.open(record.town, record.id, personal, paths) : {};
  const erased = personal?.state === 'erased';

  await deps.privacy.appendReveal(record.town, {
    at: request.now.toISOString(),
    caseId: record.id,
    caseNumber: record.number,
    actor: request.actor,
    fields: [...request.fields],
    purpose: request.purpose,
  });
  return {
    id: record.id,
    number: record.number,
    fields: [...request.fields],
    petitioners: record.petitioners.map((p, i) =>
      Object.fromEntries(
        petitionerFields.flatMap((field) => {
          // a field not in the envelope is one the case keeps as it is (a name), or one it never had
          const value =
            opened[fieldPath(i, field)] ?? (erased || field === 'name' ? keptForm(p, field) : undefined);
          return value === undefined ? [] : [[field, value]];
        }),
      ),
    ),
    ...(request.fields.includes('description')
      ? { description: opened.description ?? record.description }
      : {}),
  };
}
