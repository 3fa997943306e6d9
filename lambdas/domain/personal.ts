import * as z from 'zod/mini';
import { OPEN_STATUSES, type Status } from './catalog.js';
import { RuleViolationError } from './errors.js';
import { maskAddress, maskIdNumber, maskName, maskPhone } from './masking.js';

/**
 * Petitioners' personal data (PIPL): which fields are sealed, what a case keeps of them in the open, and what is left
 * after erasure. A case keeps masked forms only; the clear values live sealed in its `personal` envelope, each under
 * the case's own data key, and are read only by a logged reveal. Accusations (检举控告, Art 30) also seal the
 * accuser's name and the accusation itself.
 */

/** The fields a reveal may ask for. */
export const PERSONAL_FIELDS = ['name', 'idNumber', 'phone', 'address', 'description'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** What an erased field reads as; what a restricted reader sees instead of a field. */
const ERASED = '[erased]';
export const REDACTED = '***';
/** What the description of an accusation reads as until it is revealed. */
const SEALED = '[sealed]';

/** A petitioner as the registrar enters them, in the clear. */
export const petitionerSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(50)),
  idNumber: z.optional(z.string()),
  phone: z.optional(z.string()),
  address: z.optional(z.string().check(z.maxLength(200))),
});
export type Petitioner = z.infer<typeof petitionerSchema>;

/** A petitioner as a case keeps them: `name` in the clear (masked on accusations), the rest masked. */
export const protectedPetitionerSchema = z.object({
  name: z.string(),
  idNumberMasked: z.optional(z.string()),
  phoneMasked: z.optional(z.string()),
  addressMasked: z.optional(z.string()),
});
export type ProtectedPetitioner = z.infer<typeof protectedPetitionerSchema>;

/**
 * The sealed envelope: the case's data key wrapped by the master key (which key, so rotation never strands it), the
 * cipher suite, and one ciphertext per field path (`petitioners.0.idNumber`, `description`). Erasure drops it all.
 */
export const personalDataSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('sealed'),
    suite: z.string(),
    key: z.object({ keyId: z.string(), blob: z.string() }),
    fields: z.record(z.string(), z.string()),
  }),
  z.object({ state: z.literal('erased'), at: z.string() }),
]);
export type PersonalData = z.infer<typeof personalDataSchema>;
export type SealedPersonalData = Extract<PersonalData, { state: 'sealed' }>;

export const fieldPath = (index: number, field: Exclude<PersonalField, 'description'>): string =>
  `petitioners.${index}.${field}`;

interface PersonalInput {
  type?: string | undefined;
  description: string;
  petitioners: readonly Petitioner[];
}

const isAccusation = (input: { type?: string | undefined }): boolean => input.type === 'accusation';

/** The clear values to seal, by field path. */
export function personalFields(input: PersonalInput): Record<string, string> {
  const fields: Record<string, string> = {};
  input.petitioners.forEach((p, i) => {
    if (isAccusation(input)) fields[fieldPath(i, 'name')] = p.name;
    if (p.idNumber) fields[fieldPath(i, 'idNumber')] = p.idNumber;
    if (p.phone) fields[fieldPath(i, 'phone')] = p.phone;
    if (p.address) fields[fieldPath(i, 'address')] = p.address;
  });
  if (isAccusation(input)) fields.description = input.description;
  return fields;
}

/** The petitioners as the case keeps them. */
export const protectedPetitioners = (input: PersonalInput): ProtectedPetitioner[] =>
  input.petitioners.map((p) => ({
    name: isAccusation(input) ? maskName(p.name) : p.name,
    ...(p.idNumber ? { idNumberMasked: maskIdNumber(p.idNumber) } : {}),
    ...(p.phone ? { phoneMasked: maskPhone(p.phone) } : {}),
    ...(p.address ? { addressMasked: maskAddress(p.address) } : {}),
  }));

/** The description as the case keeps it: an accusation's stays sealed. */
export const protectedDescription = (input: PersonalInput): string =>
  isAccusation(input) ? SEALED : input.description;

/** What an erased case keeps of its personal data: every field that was there reads as erased. */
export function erasedForms(record: { type: string; petitioners: readonly ProtectedPetitioner[] }) {
  return {
    petitioners: record.petitioners.map((p) => ({
      name: ERASED,
      ...(p.idNumberMasked ? { idNumberMasked: ERASED } : {}),
      ...(p.phoneMasked ? { phoneMasked: ERASED } : {}),
      ...(p.addressMasked ? { addressMasked: ERASED } : {}),
    })),
    ...(isAccusation(record) ? { description: ERASED } : {}),
  };
}

/** Erasure takes the personal data of a case that is no longer being handled, once. */
export function assertErasable(record: { status: Status; personal?: PersonalData | undefined }): void {
  if (record.personal?.state === 'erased') throw new RuleViolationError('already-erased');
  if (OPEN_STATUSES.includes(record.status)) throw new RuleViolationError('case-open');
}
