import type { CaseRecord } from './case.js';
import { type Notification, notificationId } from './notification.js';
import type { StaffRecord } from './patrol.js';
import { fieldPath } from './personal.js';
import type { RegistrationInput } from './registration.js';
import { DEFAULT_TOWN_PROFILE, type TownProfile } from './report.js';

/**
 * Transfers between the towns of one deployment (转送, Art 22–23): the matter becomes a case of the receiving town,
 * registered there with the sending case's facts, and the sending case is `transferred`, each linked to the other by
 * town, id and number only. The receiving town's clock runs from its own receipt: 15 days to tell the petitioner
 * whether and how it takes the matter up (Art 22–23, "within 15 days of receipt"), and, as for every transferred or
 * assigned matter, 5 working days to object that it is not the town's (Art 23), through `return`.
 */

/** Who registers the receiving case and its first event: the service, on the sending town's act. */
export const TRANSFER_REGISTRAR = { id: 'system', role: 'system' } as const;

/** A town as people read it: the name its admin gave it (in English, the English one), else its id. */
export function townLabel(town: string, profile: TownProfile | undefined, language: 'zh' | 'en'): string {
  const named = profile && profile.townName !== DEFAULT_TOWN_PROFILE.townName ? profile.townName : undefined;
  return language === 'en' ? (profile?.townNameEn ?? named ?? town) : (named ?? town);
}

/**
 * What the receiving town registers: the sending case's facts, its petitioners and (for an accusation) its description
 * in the clear from the sending case's envelope (`opened`, by field path), to be sealed again under the receiving
 * case's own data key. The matter reaches the receiving town now, referred from the sending town under the sending
 * case's number; a grid, an assignee or a staff respondent of the sending town mean nothing here and are left behind.
 */
export function transferredRegistration(
  sent: CaseRecord,
  opened: Readonly<Record<string, string>>,
  from: { townName: string },
  now: Date,
): RegistrationInput {
  return {
    kind: sent.kind,
    channel: sent.channel,
    type: sent.type,
    category: sent.category,
    ...(sent.serviceLine ? { serviceLine: sent.serviceLine } : {}),
    title: sent.title,
    description: opened.description ?? sent.description,
    receivedAt: now.toISOString(),
    referral: { from: from.townName, reference: sent.number },
    ...(sent.location ? { location: sent.location } : {}),
    petitioners: sent.petitioners.map((p, i) => {
      const idNumber = opened[fieldPath(i, 'idNumber')];
      const phone = opened[fieldPath(i, 'phone')];
      const address = opened[fieldPath(i, 'address')];
      return {
        name: opened[fieldPath(i, 'name')] ?? p.name,
        ...(idNumber ? { idNumber } : {}),
        ...(phone ? { phone } : {}),
        ...(address ? { address } : {}),
      };
    }),
    headcount: sent.headcount,
    ...(sent.respondent ? { respondent: { name: sent.respondent.name, kind: sent.respondent.kind } } : {}),
  };
}

/** When the matter first reached a town: kept along a chain of transfers. */
export const firstReceivedAtOf = (sent: CaseRecord): string => sent.firstReceivedAt ?? sent.receivedAt;

/** A transaction holds at most 100 actions (TransactWriteItems). */
export const MAX_TRANSACTION_ACTIONS = 100;

/** Each notice is an inbox entry and an outbox message. */
const ACTIONS_PER_NOTICE = 2;

/**
 * Who in the receiving town hears of the transfer: its petition office first, then its window's clerks, each once, as
 * many as the transaction has room for beside its `otherActions`.
 */
export function transferRecipients(
  staff: readonly Pick<StaffRecord, 'userId' | 'roles'>[],
  otherActions: number,
): { userId: string; role: 'supervisor' | 'clerk' }[] {
  const room = Math.max(0, Math.floor((MAX_TRANSACTION_ACTIONS - otherActions) / ACTIONS_PER_NOTICE));
  const seen = new Set<string>();
  const recipients: { userId: string; role: 'supervisor' | 'clerk' }[] = [];
  for (const role of ['supervisor', 'clerk'] as const)
    for (const member of staff)
      if (member.roles.includes(role) && !seen.has(member.userId)) {
        seen.add(member.userId);
        recipients.push({ userId: member.userId, role });
      }
  return recipients.slice(0, room);
}

/**
 * The notice to the receiving town's clerks and petition office: the sending town and its number, and the case it is
 * here. Nothing personal: no name, no title, no content.
 */
export function transferNotice(
  received: Pick<CaseRecord, 'id' | 'town' | 'number'>,
  from: { zh: string; en: string; number: string },
  recipient: string,
  at: string,
): Notification {
  return {
    id: notificationId(at, received.id, 'transfer', recipient),
    town: received.town,
    recipient,
    kind: 'transfer',
    severity: 'notice',
    caseId: received.id,
    caseNumber: received.number,
    text: {
      zh: `${from.zh}转送来信访事项（原编号 ${from.number}），已登记为本镇案件 ${received.number}，请及时受理。`,
      en: `${from.en} transferred a matter here (its number there: ${from.number}); it is registered as case ${received.number}: please take it up.`,
    },
    at,
    read: false,
  };
}
