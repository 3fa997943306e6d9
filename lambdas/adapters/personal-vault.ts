import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedPersonalData } from '../domain/personal.js';
import type { KeyContext, KeyWrapper } from './data-keys.js';

/**
 * Field-level envelope encryption of a case's personal data: one data key per case, one ciphertext per field, each
 * bound to its town, case and field path, so no ciphertext can be moved to another field or case.
 */

/** Seals one field under a data key. A suite's name is stored with every envelope, so stored data says how to open it. */
interface FieldCipher {
  readonly suite: string;
  seal(key: Buffer, plaintext: string, aad: string): string;
  open(key: Buffer, sealed: string, aad: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM, 96-bit random IV per field: `base64(iv | ciphertext | tag)`. */
export const AES_256_GCM: FieldCipher = {
  suite: 'AES-256-GCM',
  seal(key, plaintext, aad) {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
  },
  open(key, sealed, aad) {
    const bytes = Buffer.from(sealed, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('sealed field is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES)).setAAD(
      Buffer.from(aad, 'utf8'),
    );
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  },
};

const fieldAad = (town: string, caseId: string, path: string): string => `${town}\n${caseId}\n${path}`;
/** A helper's fields are bound to the helper, and can never pass for a case's. */
const helperFieldAad = (town: string, helperId: string, path: string): string =>
  `${town}\nhelper\n${helperId}\n${path}`;

/**
 * Seals and opens the personal data of cases. The first cipher seals, any of them opens: a deployment that must use
 * the Chinese commercial algorithms (GB/T 39786) puts an SM4 suite first and keeps AES-256-GCM for older data.
 */
export class PersonalVault {
  constructor(
    private readonly keys: KeyWrapper,
    private readonly ciphers: readonly [FieldCipher, ...FieldCipher[]] = [AES_256_GCM],
  ) {}

  /** One new data key for the case, every field sealed under it; `undefined` when there is nothing to seal. */
  seal(
    town: string,
    caseId: string,
    fields: Record<string, string>,
  ): Promise<SealedPersonalData | undefined> {
    return this.sealUnder({ town, caseId }, (path) => fieldAad(town, caseId, path), fields);
  }

  /** The clear values of those of `paths` the envelope holds. Unwraps the data key only if one is asked for. */
  open(
    town: string,
    caseId: string,
    personal: SealedPersonalData,
    paths: readonly string[],
  ): Promise<Record<string, string>> {
    return this.openUnder({ town, caseId }, (path) => fieldAad(town, caseId, path), personal, paths);
  }

  /** A helper's contact: sealed like a case's fields, under a data key of the helper's own, bound to the helper. */
  sealHelper(
    town: string,
    helperId: string,
    fields: Record<string, string>,
  ): Promise<SealedPersonalData | undefined> {
    return this.sealUnder({ town, helperId }, (path) => helperFieldAad(town, helperId, path), fields);
  }

  openHelper(
    town: string,
    helperId: string,
    personal: SealedPersonalData,
    paths: readonly string[],
  ): Promise<Record<string, string>> {
    return this.openUnder(
      { town, helperId },
      (path) => helperFieldAad(town, helperId, path),
      personal,
      paths,
    );
  }

  private async sealUnder(
    context: KeyContext,
    aad: (path: string) => string,
    fields: Record<string, string>,
  ): Promise<SealedPersonalData | undefined> {
    const entries = Object.entries(fields);
    if (entries.length === 0) return undefined;
    const [cipher] = this.ciphers;
    const { key, wrapped } = await this.keys.generate(context);
    return {
      state: 'sealed',
      suite: cipher.suite,
      key: wrapped,
      fields: Object.fromEntries(entries.map(([path, value]) => [path, cipher.seal(key, value, aad(path))])),
    };
  }

  private async openUnder(
    context: KeyContext,
    aad: (path: string) => string,
    personal: SealedPersonalData,
    paths: readonly string[],
  ): Promise<Record<string, string>> {
    const wanted = paths.filter((path) => personal.fields[path] !== undefined);
    if (wanted.length === 0) return {};
    const cipher = this.ciphers.find((c) => c.suite === personal.suite);
    if (!cipher) throw new Error(`no cipher for suite ${personal.suite}`);
    const key = await this.keys.unwrap(personal.key, context);
    return Object.fromEntries(
      wanted.map((path) => [path, cipher.open(key, personal.fields[path] ?? '', aad(path))]),
    );
  }
}
