import { checkIdNumber } from '../../../lambdas/domain/id-number.js';
import type { MessageKey } from '../i18n/index.js';
import { beijingDate } from './dates.js';

/** Mainland mobile numbers, or landlines with an optional area code (the API's rule). */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** Days back a receipt may be entered without saying why (the default policy's `lateEntryDays`). */
const LATE_ENTRY_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

interface PetitionerInput {
  name: string;
  idNumber: string;
  phone: string;
  address: string;
}

interface IntakeForm {
  kind: 'petition' | 'dispute';
  channel: string;
  type: string;
  category: string;
  serviceLine: string;
  title: string;
  description: string;
  /** Beijing wall time `YYYY-MM-DDTHH:mm`, or empty for now. */
  receivedAt: string;
  lateEntryReason: string;
  referralFrom: string;
  referralReference: string;
  gridId: string;
  address: string;
  petitioners: PetitionerInput[];
  headcount: number | undefined;
  respondentName: string;
  respondentKind: 'person' | 'organization';
}

export const emptyPetitioner = (): PetitionerInput => ({ name: '', idNumber: '', phone: '', address: '' });

export const emptyIntake = (): IntakeForm => ({
  kind: 'petition',
  channel: 'visit',
  type: 'claim',
  category: '',
  serviceLine: '',
  title: '',
  description: '',
  receivedAt: '',
  lateEntryReason: '',
  referralFrom: '',
  referralReference: '',
  gridId: '',
  address: '',
  petitioners: [emptyPetitioner()],
  headcount: undefined,
  respondentName: '',
  respondentKind: 'person',
});

const ID_REASONS = {
  length: 'check.idLength',
  format: 'check.idFormat',
  birth_date: 'check.idBirthDate',
  checksum: 'check.idChecksum',
} as const satisfies Record<string, MessageKey>;

/** The ID number's problem, as the API would name it; undefined when it is well formed (or left empty). */
export function idNumberProblem(raw: string, now: Date = new Date()): MessageKey | undefined {
  if (raw.trim() === '') return undefined;
  const check = checkIdNumber(raw, beijingDate(now));
  return check.ok ? undefined : ID_REASONS[check.reason];
}

export function phoneProblem(raw: string): MessageKey | undefined {
  if (raw.trim() === '') return undefined;
  return PHONE.test(raw.trim()) ? undefined : 'check.phone';
}

/** The receipt is a late entry: more than the allowed days before now. */
export function isLateEntry(receivedAtIso: string | undefined, now: Date = new Date()): boolean {
  if (!receivedAtIso) return false;
  return now.getTime() - Date.parse(receivedAtIso) > LATE_ENTRY_DAYS * DAY_MS;
}

/** A wall time of Beijing as an instant with its offset. */
export const receivedAtIso = (form: IntakeForm): string | undefined =>
  form.receivedAt
    ? `${form.receivedAt.length === 16 ? `${form.receivedAt}:00` : form.receivedAt}+08:00`
    : undefined;

/** The checks the API makes that the page can make first, by the body path they concern. */
export function checkIntake(form: IntakeForm, now: Date = new Date()): Record<string, MessageKey> {
  const errors: Record<string, MessageKey> = {};
  if (!form.category) errors.category = 'check.required';
  if (!form.title.trim()) errors.title = 'check.required';
  if (!form.description.trim()) errors.description = 'check.required';
  const received = receivedAtIso(form);
  if (received && Date.parse(received) > now.getTime() + 60_000) errors.receivedAt = 'check.inFuture';
  if (isLateEntry(received, now) && !form.lateEntryReason.trim())
    errors.lateEntryReason = 'check.lateEntryReason';
  if (form.channel === 'referral') {
    if (!form.referralFrom.trim()) errors['referral.from'] = 'check.required';
    if (!form.referralReference.trim()) errors['referral.reference'] = 'check.required';
  }
  form.petitioners.forEach((p, i) => {
    if (!p.name.trim()) errors[`petitioners.${i}.name`] = 'check.required';
    const id = idNumberProblem(p.idNumber, now);
    if (id) errors[`petitioners.${i}.idNumber`] = id;
    const phone = phoneProblem(p.phone);
    if (phone) errors[`petitioners.${i}.phone`] = phone;
  });
  if (form.headcount !== undefined && form.headcount < form.petitioners.length)
    errors.headcount = 'check.headcount';
  return errors;
}

/** The body of `POST /v1/cases` from the form: what was left empty is left out. */
export function intakeBody(form: IntakeForm): Record<string, unknown> {
  const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const body: Record<string, unknown> = {
    kind: form.kind,
    channel: form.channel,
    type: optional(form.type),
    category: form.category,
    serviceLine: optional(form.serviceLine),
    title: form.title.trim(),
    description: form.description.trim(),
    receivedAt: receivedAtIso(form),
    lateEntryReason: optional(form.lateEntryReason),
    referral:
      form.channel === 'referral'
        ? { from: form.referralFrom.trim(), reference: form.referralReference.trim() }
        : undefined,
    gridId: optional(form.gridId),
    location: optional(form.address) ? { address: form.address.trim() } : undefined,
    petitioners: form.petitioners.map((p) => ({
      name: p.name.trim(),
      idNumber: optional(p.idNumber),
      phone: optional(p.phone),
      address: optional(p.address),
    })),
    headcount: form.headcount,
    respondent: optional(form.respondentName)
      ? { name: form.respondentName.trim(), kind: form.respondentKind }
      : undefined,
  };
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
}

/** The API's field errors (`errors[].path` like `petitioners.0.idNumber`), by path, first message kept. */
export function problemFieldErrors(problem: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  const list = (problem as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return errors;
  for (const item of list as { path?: unknown; message?: unknown }[]) {
    if (typeof item.path !== 'string' || typeof item.message !== 'string') continue;
    errors[item.path] ??= item.message;
  }
  return errors;
}
