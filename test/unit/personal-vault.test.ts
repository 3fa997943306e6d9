import { randomBytes } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import {
  DataKeyCache,
  kmsKeyWrapper,
  localKeyWrapper,
  newLocalKeyRing,
} from '../../lambdas/adapters/data-keys.js';
import { AES_256_GCM, PersonalVault } from '../../lambdas/adapters/personal-vault.js';
import type { SealedPersonalData } from '../../lambdas/domain/personal.js';
import { countingKeyWrapper as counting } from '../support/privacy.js';

/** The envelope: per-case data keys wrapped by a master key, fields sealed with AES-256-GCM bound to their place. */

const FIELDS = {
  'petitioners.0.idNumber': '33068119800101123X',
  'petitioners.0.phone': '13912345678',
  'petitioners.0.address': '浙江省绍兴市诸暨市枫桥镇东村12号',
};
const PATHS = Object.keys(FIELDS);

async function sealed(vault: PersonalVault, caseId = 'case-1'): Promise<SealedPersonalData> {
  const personal = await vault.seal('town-a', caseId, FIELDS);
  if (!personal) throw new Error('nothing sealed');
  return personal;
}

/** Flips one bit in the middle of a base64 value. */
function flipBit(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  const i = Math.floor(bytes.length / 2);
  bytes[i] = (bytes[i] ?? 0) ^ 1;
  return bytes.toString('base64');
}

describe('PersonalVault with a local key ring', () => {
  const ring = newLocalKeyRing();
  const vault = new PersonalVault(localKeyWrapper(ring));

  it('round-trips every field, and keeps none of them in the clear', async () => {
    const personal = await sealed(vault);
    expect(personal).toMatchObject({ state: 'sealed', suite: 'AES-256-GCM', key: { keyId: ring.current } });
    const stored = JSON.stringify(personal);
    for (const value of Object.values(FIELDS)) expect(stored).not.toContain(value);
    expect(await vault.open('town-a', 'case-1', personal, PATHS)).toEqual(FIELDS);
  });

  it('opens only the fields asked for, and seals nothing when there is nothing', async () => {
    const personal = await sealed(vault);
    expect(
      await vault.open('town-a', 'case-1', personal, ['petitioners.0.phone', 'petitioners.1.phone']),
    ).toEqual({
      'petitioners.0.phone': '13912345678',
    });
    expect(await vault.seal('town-a', 'case-2', {})).toBeUndefined();
  });

  it('seals the same value differently each time (a fresh IV and data key)', async () => {
    const [a, b] = [await sealed(vault), await sealed(vault)];
    expect(a.fields['petitioners.0.phone']).not.toBe(b.fields['petitioners.0.phone']);
    expect(a.key.blob).not.toBe(b.key.blob);
  });

  it('refuses a tampered ciphertext', async () => {
    const personal = await sealed(vault);
    const tampered = {
      ...personal,
      fields: { ...personal.fields, 'petitioners.0.phone': flipBit(personal.fields['petitioners.0.phone']!) },
    };
    await expect(vault.open('town-a', 'case-1', tampered, ['petitioners.0.phone'])).rejects.toThrow();
  });

  it('refuses a ciphertext moved to another field or another case', async () => {
    const personal = await sealed(vault);
    const moved = {
      ...personal,
      fields: { ...personal.fields, 'petitioners.0.address': personal.fields['petitioners.0.phone']! },
    };
    await expect(vault.open('town-a', 'case-1', moved, ['petitioners.0.address'])).rejects.toThrow();
    await expect(vault.open('town-a', 'case-2', personal, ['petitioners.0.phone'])).rejects.toThrow();
  });

  it('refuses a tampered wrapped key', async () => {
    const personal = await sealed(vault);
    const tampered = { ...personal, key: { ...personal.key, blob: flipBit(personal.key.blob) } };
    await expect(vault.open('town-a', 'case-1', tampered, PATHS)).rejects.toThrow();
  });

  it('cannot open with another master key', async () => {
    const personal = await sealed(vault);
    const stranger = newLocalKeyRing();
    const sameId = { current: ring.current, keys: { [ring.current]: stranger.keys[stranger.current]! } };
    await expect(
      new PersonalVault(localKeyWrapper(sameId)).open('town-a', 'case-1', personal, PATHS),
    ).rejects.toThrow();
    await expect(
      new PersonalVault(localKeyWrapper(stranger)).open('town-a', 'case-1', personal, PATHS),
    ).rejects.toThrow(/no local master key/);
  });

  it('cannot open with the wrong data key', () => {
    const sealedField = AES_256_GCM.seal(
      randomBytes(32),
      '13912345678',
      'town-a\ncase-1\npetitioners.0.phone',
    );
    expect(() =>
      AES_256_GCM.open(randomBytes(32), sealedField, 'town-a\ncase-1\npetitioners.0.phone'),
    ).toThrow();
  });

  it('still opens what was sealed before the master key was rotated, and seals new data with the new key', async () => {
    const before = await sealed(vault);
    const next = newLocalKeyRing();
    const rotated = { current: next.current, keys: { ...ring.keys, ...next.keys } };
    const after = new PersonalVault(localKeyWrapper(rotated));
    expect(await after.open('town-a', 'case-1', before, PATHS)).toEqual(FIELDS);
    const fresh = await sealed(after, 'case-3');
    expect(fresh.key.keyId).toBe(next.current);
    expect(await after.open('town-a', 'case-3', fresh, PATHS)).toEqual(FIELDS);
  });

  it('names an unknown cipher suite instead of guessing', async () => {
    const personal = { ...(await sealed(vault)), suite: 'SM4-GCM' };
    await expect(vault.open('town-a', 'case-1', personal, PATHS)).rejects.toThrow(/SM4-GCM/);
  });
});

describe('DataKeyCache', () => {
  const context = { town: 'town-a', caseId: 'case-1' };

  it('unwraps a data key once while it is fresh, and again after the TTL', async () => {
    const { wrapper, calls } = counting(localKeyWrapper(newLocalKeyRing()));
    let now = 0;
    const cache = new DataKeyCache(wrapper, { ttlMs: 1000, maxEntries: 10, clock: () => now });
    const { key, wrapped } = await cache.generate(context);
    for (let i = 0; i < 5; i++) expect(await cache.unwrap(wrapped, context)).toEqual(key);
    expect(calls).toEqual({ generate: 1, unwrap: 1 });
    now = 1000;
    expect(await cache.unwrap(wrapped, context)).toEqual(key);
    expect(calls.unwrap).toBe(2);
  });

  it('shares one call among concurrent unwraps of the same key', async () => {
    const { wrapper, calls } = counting(localKeyWrapper(newLocalKeyRing()));
    const cache = new DataKeyCache(wrapper);
    const { wrapped } = await cache.generate(context);
    await Promise.all([1, 2, 3].map(() => cache.unwrap(wrapped, context)));
    expect(calls.unwrap).toBe(1);
  });

  it('holds at most maxEntries keys, dropping the oldest', async () => {
    const { wrapper, calls } = counting(localKeyWrapper(newLocalKeyRing()));
    const cache = new DataKeyCache(wrapper, { ttlMs: 60_000, maxEntries: 2 });
    const keys = await Promise.all(
      ['c1', 'c2', 'c3'].map(async (caseId) => ({ caseId, ...(await cache.generate({ caseId })) })),
    );
    for (const k of keys) await cache.unwrap(k.wrapped, { caseId: k.caseId });
    expect(calls.unwrap).toBe(3);
    await cache.unwrap(keys[2]!.wrapped, { caseId: 'c3' });
    expect(calls.unwrap).toBe(3);
    await cache.unwrap(keys[0]!.wrapped, { caseId: 'c1' });
    expect(calls.unwrap).toBe(4);
  });

  it('does not keep a failed unwrap, nor serve a key for another context', async () => {
    const { wrapper, calls } = counting(localKeyWrapper(newLocalKeyRing()));
    const cache = new DataKeyCache(wrapper);
    const { wrapped } = await cache.generate(context);
    await expect(cache.unwrap(wrapped, { ...context, caseId: 'case-2' })).rejects.toThrow();
    await expect(cache.unwrap(wrapped, { ...context, caseId: 'case-2' })).rejects.toThrow();
    expect(calls.unwrap).toBe(2);
  });
});

describe('kmsKeyWrapper', () => {
  it('asks KMS for an AES-256 data key bound to the case, and unwraps with the key that wrapped it', async () => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const plaintext = randomBytes(32);
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        return command.constructor.name === 'GenerateDataKeyCommand'
          ? { Plaintext: plaintext, CiphertextBlob: Buffer.from('wrapped'), KeyId: 'arn:aws-cn:kms:key/1' }
          : { Plaintext: plaintext };
      },
    } as unknown as KMSClient;
    const wrapper = kmsKeyWrapper(client, 'alias/fengqiao-data');
    const context = { town: 'town-a', caseId: 'case-1' };
    const { key, wrapped } = await wrapper.generate(context);
    expect(key).toEqual(plaintext);
    expect(wrapped).toEqual({
      keyId: 'arn:aws-cn:kms:key/1',
      blob: Buffer.from('wrapped').toString('base64'),
    });
    expect(await wrapper.unwrap(wrapped, context)).toEqual(plaintext);
    expect(sent).toEqual([
      {
        name: 'GenerateDataKeyCommand',
        input: { KeyId: 'alias/fengqiao-data', KeySpec: 'AES_256', EncryptionContext: context },
      },
      {
        name: 'DecryptCommand',
        input: {
          KeyId: 'arn:aws-cn:kms:key/1',
          CiphertextBlob: Buffer.from('wrapped'),
          EncryptionContext: context,
        },
      },
    ]);
  });
});
