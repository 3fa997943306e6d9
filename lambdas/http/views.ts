import type * as z from 'zod/mini';
import { canSeeAccuserIdentity } from '../domain/access.js';
import type { CaseRecord } from '../domain/case.js';
import { crossTownRepeatView } from '../domain/cross-town.js';
import type { HelperRecord } from '../domain/helper.js';
import { decidedLevelOf, nextDeadlineOf } from '../domain/next-deadline.js';
import { type ProtectedPetitioner, REDACTED } from '../domain/personal.js';
import type { TownProfile } from '../domain/report.js';
import type { Principal } from '../domain/roles.js';
import type { TimelineEvent } from '../domain/timeline.js';
import { townLabel } from '../domain/transfer.js';
import type { helperViewSchema } from './helper-schemas.js';
import { type Language, MESSAGES } from './messages/index.js';
import type { caseViewSchema } from './schemas.js';

const maskedPetitioner = (p: ProtectedPetitioner) => ({
  name: p.name,
  ...(p.idNumberMasked ? { idNumber: p.idNumberMasked } : {}),
  ...(p.phoneMasked ? { phone: p.phoneMasked } : {}),
  ...(p.addressMasked ? { address: p.addressMasked } : {}),
});

const redactedPetitioner = (p: ProtectedPetitioner) => ({
  name: REDACTED,
  ...(p.idNumberMasked ? { idNumber: REDACTED } : {}),
  ...(p.phoneMasked ? { phone: REDACTED } : {}),
  ...(p.addressMasked ? { address: REDACTED } : {}),
});

/**
 * A case as staff see it by default: personal data masked (the clear values only through a logged reveal), the town,
 * the sealed envelope and the sweep's bookkeeping left out, the next deadline and the decided level in. On an
 * accusation, only those who may see the accuser see even the masked forms.
 */
export function caseView(
  record: CaseRecord,
  viewer: Principal,
  language: Language = 'zh',
): z.output<typeof caseViewSchema> {
  const {
    town: _town,
    gridPath: _gridPath,
    timelineHead: _head,
    personal: _personal,
    alert: _alert,
    level: _level,
    earlierElsewhere: _earlier,
    laterElsewhere: _later,
    ...rest
  } = record;
  const elsewhere = elsewhereView(record, language);
  const restricted = record.type === 'accusation' && !canSeeAccuserIdentity(viewer);
  const level = decidedLevelOf(record);
  const nextDeadline = nextDeadlineOf(record);
  return {
    ...rest,
    ...(level ? { level } : {}),
    ...(nextDeadline ? { nextDeadline } : {}),
    ...(elsewhere.length ? { elsewhere } : {}),
    ...(restricted ? { description: REDACTED } : {}),
    petitioners: record.petitioners.map(restricted ? redactedPetitioner : maskedPetitioner),
  };
}

/**
 * The same person's cases on the same matter in other towns, as the town's staff see them: which town, earlier or
 * later, and a sentence saying so; never the case, its number or its content.
 */
function elsewhereView(record: CaseRecord, language: Language) {
  return crossTownRepeatView(record, 'town').map((entry) => {
    const town = language === 'en' ? (entry.townNameEn ?? entry.townName) : entry.townName;
    return { ...entry, notice: MESSAGES[language].crossTown[entry.relation]({ town }) };
  });
}

/** A helper who is not staff, as staff see them: the phone masked, the town and the sealed envelope left out. */
export function helperView(record: HelperRecord): z.output<typeof helperViewSchema> {
  const { town: _town, personal: _personal, phoneMasked, ...rest } = record;
  return { ...rest, ...(phoneMasked ? { phone: phoneMasked } : {}) };
}

/**
 * A timeline event as staff read it: one that names another town (转送) carries its words in the caller's language,
 * the town by the name it gave itself (`profiles`, by town), else by its id.
 */
export function timelineEventView(
  event: TimelineEvent,
  language: Language,
  profiles: ReadonlyMap<string, TownProfile>,
): TimelineEvent & { label?: string } {
  if (!event.transfer) return event;
  const { direction, town, number } = event.transfer;
  const say = MESSAGES[language].timeline[direction === 'to' ? 'transferred-to' : 'transferred-from'];
  return { ...event, label: say({ town: townLabel(town, profiles.get(town), language), number }) };
}
