import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/**
 * Data keys of the envelope: each case's personal data is sealed under its own 256-bit key, which is kept only
 * wrapped by a master key. In the cloud the master key never leaves KMS (GenerateDataKey, Decrypt); locally it is a
 * key ring under `.data/`. Both bind a wrapped key to its case (KMS encryption context, or AES-GCM associated data).
 */

/** A data key as stored: which master key wrapped it, and the wrapped bytes (base64). */
export interface WrappedKey {
  keyId: string;
  blob: string;
}

/** What a data key is bound to, e.g. `{town, caseId}`: unwrapping needs the same context. */
export type KeyContext = Record<string, string>;

export interface KeyWrapper {
  /** A fresh data key, in the clear for immediate use and wrapped for storage. */
  generate(context: KeyContext): Promise<{ key: Buffer; wrapped: WrappedKey }>;
  unwrap(wrapped: WrappedKey, context: KeyContext): Promise<Buffer>;
}

const DATA_KEY_BYTES = 32;

/** A fixed order, so the same context always makes the same associated data. */
const canonicalContext = (context: KeyContext): string =>
  JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function kmsKeyWrapper(client: Pick<KMSClient, 'send'>, keyId: string): KeyWrapper {
  return {
    async generate(context) {
      const result = await client.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
      );
      if (!result.Plaintext || !result.CiphertextBlob) throw new Error('KMS returned no data key');
      return {
        key: Buffer.from(result.Plaintext),
        // the key's ARN, whichever alias or id was configured; Decrypt names it again
        wrapped: {
          keyId: result.KeyId ?? keyId,
          blob: Buffer.from(result.CiphertextBlob).toString('base64'),
        },
      };
    },
    async unwrap(wrapped, context) {
      const result = await client.send(
        new DecryptCommand({
          KeyId: wrapped.keyId,
          CiphertextBlob: Buffer.from(wrapped.blob, 'base64'),
          EncryptionContext: context,
        }),
      );
      if (!result.Plaintext) throw new Error('KMS returned no plaintext');
      return Buffer.from(result.Plaintext);
    },
  };
}

/**
 * Local master keys by id. New data keys are wrapped with `current`; rotating means adding a key and making it
 * current, and older keys stay in the ring so everything they wrapped still unwraps.
 */
interface LocalKeyRing {
  current: string;
  keys: Record<string, Buffer>;
}

export function newLocalKeyRing(): LocalKeyRing {
  const id = `local-${randomBytes(4).toString('hex')}`;
  return { current: id, keys: { [id]: randomBytes(DATA_KEY_BYTES) } };
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM key wrapping under the ring's keys; the key id and the context are the associated data. */
export function localKeyWrapper(ring: LocalKeyRing): KeyWrapper {
  const masterKey = (id: string): Buffer => {
    const key = ring.keys[id];
    if (!key) throw new Error(`no local master key ${id}`);
    return key;
  };
  const aad = (keyId: string, context: KeyContext) => Buffer.from(`${keyId}\n${canonicalContext(context)}`);
  return {
    async generate(context) {
      const key = randomBytes(DATA_KEY_BYTES);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', masterKey(ring.current), iv).setAAD(
        aad(ring.current, context),
      );
      const sealed = Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
      return { key, wrapped: { keyId: ring.current, blob: sealed.toString('base64') } };
    },
    async unwrap(wrapped, context) {
      const sealed = Buffer.from(wrapped.blob, 'base64');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        masterKey(wrapped.keyId),
        sealed.subarray(0, IV_BYTES),
      ).setAAD(aad(wrapped.keyId, context));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    },
  };
}

/** The local host's key ring, made on first start and kept between runs (like the MAC secret). */
export function loadOrCreateLocalKeyRing(dataDir: string): LocalKeyRing {
  const file = resolve(dataDir, 'data-key-ring.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {
      current: string;
      keys: Record<string, string>;
    };
    return {
      current: stored.current,
      keys: Object.fromEntries(Object.entries(stored.keys).map(([id, hex]) => [id, Buffer.from(hex, 'hex')])),
    };
  }
  mkdirSync(dataDir, { recursive: true });
  const ring = newLocalKeyRing();
  const keys = Object.fromEntries(Object.entries(ring.keys).map(([id, key]) => [id, key.toString('hex')]));
  writeFileSync(file, JSON.stringify({ current: ring.current, keys }), { mode: 0o600 });
  return ring;
}

/**
 * Unwrapped data keys kept for a short while, so repeated reveals of one case cost one KMS call. Bounded: the oldest
 * entry goes first. Concurrent unwraps of the same key share one call.
 */
export class DataKeyCache implements KeyWrapper {
  private readonly entries = new Map<string, { at: number; key: Promise<Buffer> }>();

  constructor(
    private readonly inner: KeyWrapper,
    private readonly options: { ttlMs: number; maxEntries: number; clock?: () => number } = {
      ttlMs: 5 * 60_000,
      maxEntries: 500,
    },
  ) {}

  generate(context: KeyContext) {
    return this.inner.generate(context);
  }

  unwrap(wrapped: WrappedKey, context: KeyContext): Promise<Buffer> {
    const now = (this.options.clock ?? Date.now)();
    const id = JSON.stringify([wrapped.keyId, wrapped.blob, canonicalContext(context)]);
    const hit = this.entries.get(id);
    if (hit && now - hit.at < this.options.ttlMs) return hit.key;
    this.entries.delete(id);
    const key = this.inner.unwrap(wrapped, context);
    key.catch(() => {
      if (this.entries.get(id)?.key === key) this.entries.delete(id);
    });
    this.entries.set(id, { at: now, key });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
    return key;
  }
}
