import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { because, RULE_CODES } from '../../lambdas/domain/errors.js';
import { MESSAGES, type Messages } from '../../lambdas/http/messages/index.js';
import { PROBLEM_KINDS, problemResponse } from '../../lambdas/http/problem.js';
import { parseWith } from '../../lambdas/http/validation.js';
import { ENGLISH_RUN, HAN } from '../support/language.js';

/** The message catalogues: complete in both languages, Chinese without English prose, zod's issues in plain words. */

/** What each entry that takes parameters is worded with here. */
const SAMPLES: Record<string, unknown> = {
  'rule.window-closed': { window: 'review' },
  'rule.not-higher-level': { level: 'town' },
  'rule.extension-too-long': { maxDays: 30 },
  'rule.past-upper-level-due': { dueDate: '2027-02-10', days: 30, endDate: '2027-02-26' },
  'rule.already-rated': { answer: 're_review' },
  'forbidden.not-your-command': { command: 'record-review' },
  'forbidden.roles': { roles: ['clerk', 'supervisor'] },
  'detail.wrong-status': { status: 'under_review', command: 'mark-key' },
  'detail.validation': { count: 2 },
  'detail.throttled': { seconds: 30 },
  'detail.too-large': { bytes: 65536 },
  'detail.repeat-not-open': { number: 'XF-20261218-0001', status: 'closed' },
  'detail.repeat-open': { number: 'XF-20261218-0001', status: 'accepted' },
  'detail.helper-inactive': { id: 'h_1' },
  'field.type': { expected: 'string' },
  'field.too-long': { max: 200 },
  'field.too-short': { min: 5 },
  'field.too-many': { max: 50 },
  'field.too-few': { min: 1 },
  'field.at-most': { max: 30 },
  'field.below': { max: 30 },
  'field.at-least': { min: 1 },
  'field.above': { min: 0 },
  'field.one-of': { values: ['visit', 'letter'] },
  'field.multiple-of': { step: 0.01 },
  'field.parent-required': { level: 'unit', parentLevel: 'village' },
  'field.parent-wrong-level': { level: 'village', parentLevel: 'comprehensive' },
  'field.case-not-open': { status: 'withdrawn' },
  'field.late-entry-reason-required': { days: 7 },
  'field.range-too-long': { days: 92 },
  'field.open-case-of-petitioner': { number: 'XF-20261201-0001' },
  'rule.attachment-limit': { max: 50 },
  'rule.upload-mismatch': { what: 'checksum' },
  'field.file-too-large': { mib: 20 },
  // a town with no name of its own: one sample words both languages, and a name is in one language or the other
  'crossTown.earlier': {},
  'crossTown.later': {},
  // a town by its id, which reads alike in both languages
  'timeline.transferred-to': { town: 'town-b', number: 'XF-20261218-0001' },
  'timeline.transferred-from': { town: 'town-b', number: 'XF-20261218-0001' },
};

/** Every entry of a catalogue, worded: `section.key` → text. */
function texts(m: Messages): Record<string, string> {
  return Object.fromEntries(
    Object.entries(m).flatMap(([section, entries]) =>
      Object.entries(entries as Record<string, unknown>).map(([key, words]) => {
        const name = `${section}.${key}`;
        if (typeof words === 'string') return [name, words];
        expect(SAMPLES, `${name} takes parameters: give it a sample`).toHaveProperty([name]);
        return [name, (words as (p: unknown) => string)(SAMPLES[name])];
      }),
    ),
  );
}

describe('the message catalogues', () => {
  const zh = texts(MESSAGES.zh);
  const en = texts(MESSAGES.en);

  it('title every problem type and every rule code, in both languages', () => {
    for (const type of [...Object.keys(PROBLEM_KINDS), ...RULE_CODES]) {
      expect(zh[`title.${type}`], type).toMatch(/\S/);
      expect(en[`title.${type}`], type).toMatch(/\S/);
    }
    // each rule is its own title, not the one every 409 shared
    const ruleTitles = RULE_CODES.map((code) => zh[`title.${code}`]);
    expect(new Set(ruleTitles).size).toBe(RULE_CODES.length);
    expect(ruleTitles).not.toContain(zh['title.conflict']);
  });

  it('word every rule code and every key with a non-empty text in both languages', () => {
    for (const code of RULE_CODES) expect(zh[`rule.${code}`], code).toMatch(/\S/);
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const [key, text] of Object.entries(zh)) {
      expect(text, key).toMatch(/\S/);
      expect(en[key], key).toMatch(/\S/);
      expect(text, key).not.toContain('undefined');
      expect(en[key], key).not.toContain('undefined');
    }
  });

  it('keep English phrases out of the Chinese and Chinese out of the English', () => {
    for (const [key, text] of Object.entries(zh)) {
      expect(text, key).not.toMatch(ENGLISH_RUN);
      expect(text, key).toMatch(HAN);
    }
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toMatch(HAN);
  });

  it('name statuses, commands, roles and levels by their labels, never their codes', () => {
    expect(zh['detail.wrong-status']).toBe('案件当前状态为“复查复核中”，不能执行“列为重点信访矛盾”');
    expect(zh['forbidden.not-your-command']).toBe('您无权对本案执行“录入复查复核意见”');
    expect(zh['forbidden.roles']).toBe('此操作仅限接待窗口工作人员、信访办');
    expect(zh['rule.not-higher-level']).toBe('案件已在镇级办理，只能提级到更高一级');
    expect(zh['field.parent-required']).toBe('网格单元须有上级村级网格');
    expect(en['forbidden.roles']).toBe('Only reception clerks or the petition office may do this');
    expect(en['detail.wrong-status']).toBe(
      '“mark as a key case” is not allowed while the case is under review',
    );
  });
});

describe('parseWith: zod issues in the catalogue’s plain words', () => {
  const schema = z.strictObject({
    title: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    purpose: z.optional(z.string().check(z.minLength(5))),
    petitioners: z.array(z.string()).check(z.minLength(1), z.maxLength(3)),
    headcount: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
    channel: z.optional(z.enum(['visit', 'letter'])),
    receivedAt: z.optional(z.iso.datetime({ offset: true })),
    day: z.optional(z.iso.date()),
    done: z.optional(z.boolean()),
    late: z.optional(
      z.string().check(z.refine(() => false, because('late-entry-reason-required', { days: 7 }))),
    ),
  });

  const messages = (input: unknown, language: 'zh' | 'en') => {
    try {
      parseWith(schema, input, language);
    } catch (error) {
      const body = JSON.parse(problemResponse(error, { language }).body ?? '{}');
      return Object.fromEntries(
        (body.errors as { path: string; message: string }[]).map((e) => [e.path, e.message]),
      );
    }
    throw new Error('the input was accepted');
  };

  const bad = {
    purpose: 'abc',
    petitioners: ['a', 'b', 'c', 'd'],
    headcount: 1000,
    channel: 'fax',
    receivedAt: '2026-12-18 09:00',
    day: '18.12.2026',
    done: 'yes',
    late: 'x',
    extra: 1,
  };

  it('in Chinese', () => {
    expect(messages(bad, 'zh')).toEqual({
      title: '必填',
      purpose: '至少 5 字',
      petitioners: '最多 3 项',
      headcount: '不能大于 100',
      channel: '须为以下之一：visit、letter',
      receivedAt: '请填写带时区的时间，如 2026-12-18T09:00:00+08:00',
      day: '请填写日期，如 2026-12-18',
      done: '须为 true 或 false',
      late: '来访时间在 7 日之前的，须说明补录原因',
      extra: '不允许的字段',
    });
    expect(messages({ title: 'x'.repeat(201), petitioners: [], headcount: 0.5 }, 'zh')).toEqual({
      title: '最多 200 字',
      petitioners: '至少 1 项',
      headcount: '须为整数',
    });
    expect(messages({ title: '', petitioners: 'a', headcount: '3' }, 'zh')).toEqual({
      title: '不能为空',
      petitioners: '须为列表',
      headcount: '须为数字',
    });
  });

  it('in English', () => {
    expect(messages(bad, 'en')).toMatchObject({
      title: 'required',
      petitioners: 'at most 3 items',
      channel: 'must be one of: visit, letter',
      receivedAt: 'must be a time with its zone, such as 2026-12-18T09:00:00+08:00',
      late: 'is required when receivedAt is more than 7 days back',
      extra: 'unknown field',
    });
    expect(messages({ title: 'x'.repeat(201), petitioners: [] }, 'en')).toEqual({
      title: 'at most 200 characters',
      petitioners: 'at least 1 item',
    });
  });
});
