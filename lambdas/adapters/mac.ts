import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import type { MacFunction } from '../domain/timeline.js';

/**
 * Keyed hashes for the timeline chain and the petitioners' blind index. In the cloud the key never leaves KMS (an
 * HMAC_256 key, GenerateMac); locally it is a random secret under `.data/`.
 */

export const localMac =
  (secret: Buffer): MacFunction =>
  async (data) =>
    createHmac('sha256', secret).update(data, 'utf8').digest('hex');

export function kmsMac(client: KMSClient, keyId: string): MacFunction {
  return async (data) => {
    const result = await client.send(
      new GenerateMacCommand({
        KeyId: keyId,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: Buffer.from(data, 'utf8'),
      }),
    );
    // an empty MAC would chain silently: an answer without one is the service's failure, not a hash
    if (!result.Mac?.length) throw new Error('KMS GenerateMac answered without a MAC');
    return Buffer.from(result.Mac).toString('hex');
  };
}

export const kmsClient = (): KMSClient => new KMSClient({});

/** The local host's secret, made on first start and kept between runs. */
export function loadOrCreateLocalSecret(dataDir: string): Buffer {
  const file = resolve(dataDir, 'mac-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('hex'), { mode: 0o600 });
  return secret;
}
