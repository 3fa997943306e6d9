import { createHmac } from 'node:crypto';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsMac, localMac } from '../../lambdas/adapters/mac.js';

const KEY_ID = 'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('kmsMac', () => {
  const kms = mockClient(KMSClient);
  beforeEach(() => kms.reset());

  it("asks KMS for an HMAC_SHA_256 of the data's UTF-8 bytes with the configured key", async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array([0x00, 0x0f, 0xa5, 0xff]), KeyId: KEY_ID });

    const mac = await kmsMac(new KMSClient({}), KEY_ID)('timeline\n案件 1');

    expect(mac).toBe('000fa5ff');
    expect(kms).toHaveReceivedCommandTimes(GenerateMacCommand, 1);
    const input = kms.commandCalls(GenerateMacCommand)[0]!.args[0].input;
    expect(input.KeyId).toBe(KEY_ID);
    expect(input.MacAlgorithm).toBe('HMAC_SHA_256');
    expect(Buffer.from(input.Message!).equals(Buffer.from('timeline\n案件 1', 'utf8'))).toBe(true);
  });

  it("rejects with KMS's own error (no hash is ever made up)", async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    kms.on(GenerateMacCommand).rejects(denied);

    await expect(kmsMac(new KMSClient({}), KEY_ID)('data')).rejects.toBe(denied);
  });

  it('refuses an answer without a MAC instead of chaining an empty hash', async () => {
    kms.on(GenerateMacCommand).resolves({ KeyId: KEY_ID });

    await expect(kmsMac(new KMSClient({}), KEY_ID)('data')).rejects.toThrow('without a MAC');
  });
});

describe('localMac', () => {
  it('is the HMAC-SHA-256 of the UTF-8 data under the secret, in hex', async () => {
    const secret = Buffer.alloc(32, 7);
    expect(await localMac(secret)('案件')).toBe(
      createHmac('sha256', secret).update(Buffer.from('案件', 'utf8')).digest('hex'),
    );
  });
});
