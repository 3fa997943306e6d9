import { describe, expect, it } from 'vitest';
import {
  parsePeriod,
  periodEnd,
  periodOf,
  periodStart,
  previousPeriod,
  runPeriod,
} from '../../lambdas/domain/periods.js';
import { dueTownWork } from '../../lambdas/handlers/town-schedule.js';
import { escapeHtml, prefersHtml } from '../../lambdas/http/html.js';

describe('report periods', () => {
  it('reads a day, an ISO week and a month in Beijing dates', () => {
    expect(parsePeriod('daily', '2026-10-01')).toEqual({
      kind: 'daily',
      id: '2026-10-01',
      from: '2026-10-01',
      to: '2026-10-01',
    });
    expect(parsePeriod('weekly', '2026-W40')).toMatchObject({ from: '2026-09-28', to: '2026-10-04' });
    // 2026 has 53 ISO weeks; the last one ends in 2027
    expect(parsePeriod('weekly', '2026-W53')).toMatchObject({ from: '2026-12-28', to: '2027-01-03' });
    expect(parsePeriod('monthly', '2024-02')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
  });

  it.each([
    ['daily', '2026-02-30'],
    ['daily', '2026-9-1'],
    ['daily', '2026-10-01T00:00'],
    ['weekly', '2025-W53'],
    ['weekly', '2026-W00'],
    ['weekly', '2026-40'],
    ['weekly', '2026-W40-1'],
    ['monthly', '2026-13'],
    ['monthly', '2026-00'],
    ['monthly', '2026-1'],
  ] as const)('refuses %s %s', (kind, id) => {
    expect(parsePeriod(kind, id)).toBeUndefined();
  });

  it('starts and ends periods at Beijing midnight', () => {
    const week = parsePeriod('weekly', '2026-W40')!;
    expect(periodStart(week).toISOString()).toBe('2026-09-27T16:00:00.000Z');
    expect(periodEnd(week).toISOString()).toBe('2026-10-04T16:00:00.000Z');
    // 00:30 on 1 October in Beijing is still 30 September in UTC
    expect(periodOf('daily', new Date('2026-09-30T16:30:00Z')).id).toBe('2026-10-01');
    expect(previousPeriod(parsePeriod('weekly', '2027-W01')!).id).toBe('2026-W53');
    expect(previousPeriod(parsePeriod('monthly', '2026-01')!).id).toBe('2025-12');
  });

  it('reports the day so far at 18:00, and the week or month just ended on Monday or the 1st at 09:00', () => {
    expect(runPeriod('daily', new Date('2026-09-28T10:00:00Z')).id).toBe('2026-09-28');
    expect(runPeriod('weekly', new Date('2026-10-05T01:00:00Z')).id).toBe('2026-W40');
    expect(runPeriod('monthly', new Date('2026-10-01T01:00:00Z')).id).toBe('2026-09');
  });

  it('tells a schedule that sends no input by the time it fired, retention and the reception notices included', () => {
    expect(dueTownWork(new Date('2026-09-28T10:00:00Z'))).toEqual(['daily']);
    expect(dueTownWork(new Date('2026-10-05T01:00:02Z'))).toEqual(['weekly']);
    // a Monday that is the 1st: both
    expect(dueTownWork(new Date('2026-06-01T01:00:00Z'))).toEqual(['weekly', 'monthly']);
    expect(dueTownWork(new Date('2026-10-05T06:00:00Z'))).toEqual([]);
    // retention at 02:30 Beijing time, the evening before in UTC
    expect(dueTownWork(new Date('2026-10-04T18:30:00Z'))).toEqual(['retention']);
    expect(dueTownWork(new Date('2026-10-04T21:31:00Z'))).toEqual([]);
    // the leaders' reception notices at 14:30 Beijing time, apart from the daily collection at 18:00
    expect(dueTownWork(new Date('2026-10-05T06:30:05Z'))).toEqual(['reception']);
    expect(dueTownWork(new Date('2026-10-05T10:00:00Z'))).toEqual(['daily']);
  });
});

describe('content negotiation', () => {
  it.each([
    [undefined, false],
    ['application/json', false],
    ['*/*', false],
    ['text/html', true],
    ['text/*', true],
    ['text/html, application/json', false],
    ['application/json;q=0.9, text/html', true],
    ['text/html;q=0.5, application/json', false],
    ['text/html;q=0', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
  ])('Accept %s → HTML %s', (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });

  it('escapes every character that could open markup', () => {
    expect(escapeHtml('<script>alert("x")</script> & \'y\'')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
  });
});
