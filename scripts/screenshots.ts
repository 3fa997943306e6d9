import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { localKeyWrapper, newLocalKeyRing } from '../lambdas/adapters/data-keys.js';
import { documentClient } from '../lambdas/adapters/deps.js';
import { localMac } from '../lambdas/adapters/mac.js';
import { TablePublisher } from '../lambdas/adapters/publisher.js';
import { tableNamesFor } from '../lambdas/adapters/table-model.js';
import { beijingDate } from '../lambdas/domain/deadlines.js';
import { periodOf } from '../lambdas/domain/periods.js';
import { createFamilyHandlers } from '../lambdas/local/app.js';
import { ensureTables, startDynamoLocal } from '../lambdas/local/dynamo-local.js';
import { DEFAULT_TOWN, issueToken, loadOrCreateKeys } from '../lambdas/local/identity.js';
import { seedDemoGrids, seedDemoTown } from '../lambdas/local/seed.js';
import { createLocalServer } from '../lambdas/local/server.js';
import { runSweep } from '../lambdas/usecases/sweep.js';
import { sweepDeps } from '../lambdas/usecases/sweep-deps.js';

/**
 * `npm run screenshots`: the printed pages as a reader sees them. Starts DynamoDB Local in memory and the local host on
 * a free port, seeds the demo town of `npm start` with a few more cases taken up this week, runs the deadline sweep, and renders the daily,
 * weekly and monthly bulletins, the yearly summary, the metrics page and a mediation agreement, in zh-CN and English, with Debian's Chromium into screenshots/.
 */

const OUT = resolve('screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// an A4 page at 96 dpi
const A4 = { width: 794, height: 1123 };

/** More cases taken up this week, so that the timely-acknowledgement sample is large enough to chart. */
async function seedWeek(baseUrl: string, token: (roles: string[], sub: string) => Promise<string>) {
  const clerk = await token(['clerk'], 'clerk-1');
  const handler = await token(['handler'], 'handler-1');
  const call = async (bearer: string, method: string, path: string, body: unknown, ifMatch?: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json',
        ...(ifMatch ? { 'if-match': ifMatch } : {}),
      },
      body: JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return { body: (await response.json()) as { id: string }, etag: response.headers.get('etag') ?? '' };
  };
  const matters = [
    ['neighbor', '宅基地界址争议', 'g-dongcun-1'],
    ['labor_wages', '加工厂拖欠加班费', 'g-xicun'],
    ['social_security', '养老保险待遇核定', 'g-dongcun'],
    ['village_affairs', '村道路灯长期不亮', 'g-xicun'],
  ] as const;
  for (const [i, [category, title, gridId]] of matters.entries()) {
    const created = await call(clerk, 'POST', '/v1/cases', {
      kind: i % 2 ? 'petition' : 'dispute',
      channel: i % 2 ? 'visit' : 'phone',
      category,
      title,
      description: `${title}，当事人请求镇里协调处理。`,
      gridId,
      petitioners: [{ name: `演示群众${i + 1}` }],
    });
    const accepted = await call(
      clerk,
      'POST',
      `/v1/cases/${created.body.id}/accept`,
      { track: 'immediate', assigneeId: 'handler-1' },
      created.etag,
    );
    if (i < 2)
      await call(
        handler,
        'POST',
        `/v1/cases/${created.body.id}/reply`,
        { outcome: 'resolved', opinion: '经现场调解，双方达成一致意见。' },
        accepted.etag,
      );
  }
}

/** Without a Chinese face Chromium draws every Chinese character as a box: say so instead of writing such pictures. */
function requireChineseFont(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    // no fontconfig to ask: let Chromium try
    return;
  }
  if (!families.trim())
    throw new Error('no Chinese font is installed: apt-get install fonts-noto-cjk, then run this again');
}

async function main(): Promise<void> {
  requireChineseFont();
  mkdirSync(OUT, { recursive: true });
  const dynamo = await startDynamoLocal();
  const tables = tableNamesFor(`screenshots-${randomBytes(4).toString('hex')}`);
  await ensureTables(dynamo.client, tables);
  const db = documentClient(dynamo.client);
  const deps = {
    db,
    tables,
    now: () => new Date(),
    mac: localMac(randomBytes(32)),
    dataKeys: localKeyWrapper(newLocalKeyRing()),
    publisher: new TablePublisher(db, tables.cases),
    settingsCacheMs: 0,
  };
  const keys = await loadOrCreateKeys(undefined);
  const server = createLocalServer({ handlers: createFamilyHandlers(deps), keys });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const town = DEFAULT_TOWN;
    const token = (roles: string[], sub: string) => issueToken(keys, { roles, sub, town });
    await seedDemoGrids(deps, town);
    await seedDemoTown(baseUrl, keys, town);
    await seedWeek(baseUrl, token);
    // the deadline sweep, as the schedule runs it, counts the deadlines the seeded cases have missed
    await runSweep(sweepDeps(deps), new Date());

    const now = new Date();
    const today = beijingDate(now);
    const pages = {
      daily: `/v1/reports/daily/${today}`,
      weekly: `/v1/reports/weekly/${periodOf('weekly', now).id}`,
      monthly: `/v1/reports/monthly/${periodOf('monthly', now).id}`,
      metrics: `/v1/metrics?from=${today.slice(0, 8)}01&to=${today}`,
      yearly: `/v1/reports/yearly/${today.slice(0, 4)}`,
    };
    const authorization = `Bearer ${await token(['leader'], 'leader-1')}`;
    for (const language of ['zh-CN', 'en'] as const) {
      const context = await browser.newContext({
        viewport: A4,
        extraHTTPHeaders: { authorization, 'accept-language': language },
      });
      const page = await context.newPage();
      for (const [name, path] of Object.entries(pages)) {
        const response = await page.goto(`${baseUrl}${path}`);
        if (response?.status() !== 200 || !response.headers()['content-type']?.startsWith('text/html'))
          throw new Error(`${path} (${language}) answered ${response?.status()} ${await response?.text()}`);
        const file = resolve(OUT, `${name}-${language === 'en' ? 'en' : 'zh'}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(file);
      }
      await context.close();
    }

    // the seeded mediation's agreement, printed for signing: the window clerk may, the leader may not
    const clerk = `Bearer ${await token(['clerk'], 'clerk-1')}`;
    const listed = await fetch(`${baseUrl}/v1/cases?limit=50`, { headers: { authorization: clerk } });
    const { items } = (await listed.json()) as { items: { id: string; title: string }[] };
    const mediated = items.find((item) => item.title === '宅基地围墙越界纠纷');
    if (!mediated) throw new Error('the demo seed has no mediated dispute');
    for (const language of ['zh-CN', 'en'] as const) {
      const context = await browser.newContext({
        viewport: A4,
        extraHTTPHeaders: { authorization: clerk, 'accept-language': language },
      });
      const page = await context.newPage();
      const response = await page.goto(`${baseUrl}/v1/cases/${mediated.id}/agreement`);
      if (response?.status() !== 200)
        throw new Error(`agreement (${language}) answered ${response?.status()}`);
      const file = resolve(OUT, `agreement-${language === 'en' ? 'en' : 'zh'}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
