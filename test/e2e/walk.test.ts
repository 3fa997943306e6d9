import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeValidIdNumber } from '../../lambdas/domain/id-number.js';
import {
  accessibilityViolations,
  ensureBuilt,
  type LocalHost,
  launchChromium,
  openSession,
  PHONE,
  type Session,
  screenshot,
  startLocalHost,
} from './harness.js';

/**
 * The pages as a new user meets them, in Debian's Chromium against `npm start`'s host: a window clerk registers a
 * letter and accepts it, a handler replies to it, the citizen tracks it on a phone, the petition office reads its
 * dashboard and a bulletin, the workbench in English; then a grid worker's patrol and a leader's reception roster.
 * Every screen is photographed into screenshots/e2e-*.png, checked with axe-core and asks nothing of any origin but
 * the local host.
 */

const STEP = 90_000;

let host: LocalHost;
let browser: Browser;
const sessions: Session[] = [];

beforeAll(async () => {
  const [started, launched] = await Promise.all([ensureBuilt().then(startLocalHost), launchChromium()]);
  host = started;
  browser = launched;
}, 240_000);

afterAll(async () => {
  for (const session of sessions) await session.close().catch(() => undefined);
  await browser?.close();
  await host?.stop();
});

const open = async (options?: Parameters<typeof openSession>[2]) => {
  const session = await openSession(browser, host, options);
  sessions.push(session);
  return session;
};

/**
 * What every screen passes: its picture taken, no accessibility violation of moderate impact or worse, nothing asked
 * of elsewhere.
 */
async function checkScreen(session: Session, name: string) {
  await screenshot(session.page, name);
  expect(await accessibilityViolations(session.page), `axe on ${name}`).toEqual([]);
  expect(session.foreign(), `requests to other origins on ${name}`).toEqual([]);
  expect(session.refused(), `what the CSP refused on ${name}`).toEqual([]);
}

/** A valid resident ID number (GB 11643 checksum) and the same with its check digit wrong. */
const GOOD_ID = makeValidIdNumber('330106', '19800101', '123');
const BAD_ID = `${GOOD_ID.slice(0, 17)}${GOOD_ID.endsWith('0') ? '1' : '0'}`;
const TITLE = '来信反映加工厂拖欠工资';

/** What the walk hands on from one person to the next. */
const walked: { number?: string; queryCode?: string; caseUrl?: string } = {};

/** Resolves once no select's dropdown is shown (Element Plus closes one with a transition, after the choice). */
const noDropdownOpen = (page: Page, timeout: number) =>
  page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'hidden', timeout });

/** Picks an option of an Element Plus select by the select's accessible name and the option's words. */
async function choose(page: Page, select: string, option: string) {
  // an open dropdown of another select would take the click meant for this one
  await noDropdownOpen(page, 20_000);
  // the select's box, not its input, takes the click (the shown value lies over the input)
  const combobox = page.getByRole('combobox', { name: select, exact: true });
  await page.locator('.el-select').filter({ has: combobox }).click();
  await page.locator('.el-select-dropdown:visible').first().waitFor({ state: 'visible', timeout: 20_000 });
  const item = page.getByRole('option', { name: option, exact: true }).locator('visible=true');
  await item.click();
  // on a busy machine a click may land while the dropdown is still opening and be lost: then once more
  const closed = await noDropdownOpen(page, 5_000).then(
    () => true,
    () => false,
  );
  if (!closed) await item.click();
  await noDropdownOpen(page, 20_000);
}

/** The workbench's own sign-in screen of a local host: a role picked, its demo user, 登录. */
async function signIn(session: Session, role: string, shot?: string) {
  const { page } = session;
  await page.goto(`${host.baseUrl}/`);
  await seen(page.getByRole('heading', { name: '信访工作台' }));
  if (role !== '窗口受理员') await choose(page, '登录角色', role);
  if (shot) await checkScreen(session, shot);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await seen(page.getByText(`角色：${role}`));
}

const text = async (page: Page) => (await page.locator('body').textContent()) ?? '';

/** Waits until the one element the locator names is shown (playwright-core has no test matchers of its own). */
const seen = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 20_000 });
const gone = (locator: Locator) => locator.waitFor({ state: 'hidden', timeout: 20_000 });

describe('the pages of the local host', () => {
  it(
    'serve the workbench at / and the citizen page at /track',
    async () => {
      const session = await open();
      const workbench = await session.page.goto(`${host.baseUrl}/`);
      expect(workbench?.status()).toBe(200);
      expect(workbench?.headers()['content-type']).toMatch(/^text\/html/);
      // no one signed in yet: the workbench's own sign-in screen
      await seen(session.page.getByRole('button', { name: '登录', exact: true }));
      expect(session.page.url()).toContain('#/sign-in');
      expect(await session.page.title()).toBe('信访工作台');
      await checkScreen(session, '0-workbench');

      const citizen = await open(PHONE);
      const track = await citizen.page.goto(`${host.baseUrl}/track`);
      expect(track?.status()).toBe(200);
      await seen(citizen.page.getByRole('heading', { name: '信访事项办理进度查询' }));
      expect(await citizen.page.title()).toBe('信访事项办理进度查询');
      await checkScreen(citizen, '0-track');
    },
    STEP,
  );
});

describe('a letter from the window to the citizen', () => {
  it(
    'a window clerk registers a letter: a wrong ID number and phone are shown in place, then the number and query code',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '窗口受理员', '1-sign-in');
      await page.getByRole('menuitem', { name: '登记信访事项' }).click();
      await seen(page.getByRole('heading', { name: '登记信访事项', level: 1 }));

      await page.getByRole('radio', { name: '信访', exact: true }).check({ force: true });
      await choose(page, '来源渠道', '来信');
      await choose(page, '问题类别', '劳动工资');
      await page.getByLabel('标题', { exact: true }).fill(TITLE);
      await page
        .getByLabel('主要诉求及事实', { exact: true })
        .fill('来信人反映东村某加工厂拖欠其2026年9月至11月工资共计一万二千元，请求镇里协调支付。');
      await page.getByLabel('姓名', { exact: true }).fill('刘桂芳');
      const idNumber = page.getByLabel('身份证号码', { exact: true });
      await idNumber.fill(BAD_ID);
      await idNumber.blur();
      // in place, under the field, before anything is sent
      await seen(page.getByText('身份证号码校验位不正确，请核对'));
      await checkScreen(session, '1-intake-bad-id');
      expect(session.failures().filter((f) => f.includes('/v1/cases'))).toEqual([]);

      await idNumber.fill(GOOD_ID);
      await idNumber.blur();
      await gone(page.getByText('身份证号码校验位不正确，请核对'));
      const phone = page.getByLabel('联系电话', { exact: true });
      await phone.fill('1391234');
      await phone.blur();
      await seen(page.getByText('请填写正确的手机号码或固定电话'));
      await phone.fill('13912345678');
      await phone.blur();
      await gone(page.getByText('请填写正确的手机号码或固定电话'));
      await page.getByRole('button', { name: '提交登记' }).click();

      const done = page.getByText(/登记成功，编号 XF-\d{8}-\d{4}/);
      await seen(done);
      walked.number = /XF-\d{8}-\d{4}/.exec((await done.textContent()) ?? '')?.[0] ?? '';
      const code = (await page.locator('.code').textContent())?.trim() ?? '';
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      walked.queryCode = code;
      await seen(page.getByText('查询码：'));
      await checkScreen(session, '1-intake-done');
    },
    STEP,
  );

  it(
    'the clerk opens the case and accepts it for a handler, with the version the page read',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '窗口受理员');
      // a clerk's list starts with the cases awaiting acceptance
      await page.getByRole('link', { name: walked.number as string }).click();
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toContain(`${walked.number} ${TITLE}`);
      await seen(page.getByText('已登记', { exact: true }).first());
      walked.caseUrl = page.url();
      await page.getByRole('button', { name: '受理', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: '受理' });
      await seen(dialog);
      await choose(page, '办理方式', '马上办');
      await choose(page, '承办人', '周敏（镇司法所人民调解员）');
      await checkScreen(session, '2-accept');
      await dialog.getByRole('button', { name: '确定' }).click();
      await seen(page.getByText('已受理。'));
      await seen(page.locator('.head').getByText('已受理', { exact: true }));
      await seen(page.getByText('答复期限', { exact: true }));
    },
    STEP,
  );

  it(
    'a handler finds it among "my cases" and replies; the timeline verifies',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '承办人');
      await seen(page.getByRole('heading', { name: '我的事项' }));
      const row = page.getByRole('row').filter({ hasText: walked.number as string });
      await expect.poll(() => row.textContent()).toContain('已受理');
      await expect.poll(() => row.textContent()).toContain('答复截止');
      await checkScreen(session, '3-my-cases');
      await row.getByRole('link', { name: walked.number as string }).click();

      await page.getByRole('button', { name: '答复', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: '答复' });
      await choose(page, '办理结果', '已化解');
      await dialog.getByLabel('处理意见').fill('经镇劳动保障所协调，加工厂已于本周足额支付拖欠工资。');
      await checkScreen(session, '3-reply');
      await dialog.getByRole('button', { name: '确定' }).click();
      await seen(page.getByText('已答复。'));
      await seen(page.locator('.head').getByText('已答复', { exact: true }));
      await seen(page.getByText('记录链校验通过'));
      const timeline = page.locator('.el-timeline');
      for (const act of ['登记', '受理', '答复']) await seen(timeline.getByText(act, { exact: true }));
      await checkScreen(session, '3-replied');
    },
    STEP,
  );

  it(
    'the citizen, on a phone, types the query code and sees the number, the status and dated milestones',
    async () => {
      const session = await open(PHONE);
      const { page } = session;
      await page.goto(`${host.baseUrl}/track`);
      await seen(page.getByRole('heading', { name: '信访事项办理进度查询' }));
      const input = page.getByLabel('查询码');
      // a code mistyped is told in place, and nothing is asked
      await input.fill('7KQ2-M9');
      await page.getByRole('button', { name: '查询' }).click();
      await seen(page.getByText('查询码应为12位字母和数字，请核对。'));

      await input.fill((walked.queryCode as string).toLowerCase());
      await page.getByRole('button', { name: '查询' }).click();
      await seen(page.getByRole('heading', { name: `事项编号：${walked.number}` }));
      await seen(page.getByText('办理状态：已答复'));
      // the deadline that concerns the citizen now: asking for a review, as its last day in Beijing time
      await seen(page.getByText(/^申请复查（复核）期限：\d{4}年\d{1,2}月\d{1,2}日前（北京时间）$/));
      await seen(page.getByRole('heading', { name: '领导接访安排' }));
      const milestones = page.locator('.milestones li');
      await expect.poll(() => milestones.count()).toBe(3);
      expect(await milestones.locator('span').allTextContents()).toEqual(['已登记', '已受理', '已答复']);
      // each dated, to the minute in Beijing time, and in order
      const shown = await milestones.locator('time').allTextContents();
      const stamps = await milestones
        .locator('time')
        .evaluateAll((times) => times.map((time) => time.getAttribute('datetime') ?? ''));
      for (const [i, at] of stamps.entries()) {
        const beijing = new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
        expect(shown[i]?.trim()).toBe(beijing);
      }
      expect([...stamps].sort()).toEqual(stamps);
      // the page fits the phone: nothing wider than its screen
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // nothing personal on the public page
      expect(await text(page)).not.toContain('刘桂芳');
      await checkScreen(session, '4-track');

      await page.getByRole('button', { name: 'English', exact: true }).click();
      await seen(page.getByRole('heading', { name: `Case number: ${walked.number}` }));
      await seen(page.getByText('Status: Replied'));
      await checkScreen(session, '4-track-en');
    },
    STEP,
  );

  it(
    'the petition office reads its dashboard, indicators with their samples and the overdue list, and prints a bulletin',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '信访办');
      await page.getByRole('menuitem', { name: '工作统计与简报' }).click();
      await seen(page.getByRole('heading', { name: '考核指标' }));
      const indicators = page.locator('.el-table').first();
      await expect.poll(() => indicators.textContent()).toContain('及时受理率');
      // every rate beside its sample, numerator / denominator
      await seen(indicators.getByText(/^\d+ \/ \d+$/).first());
      // the demo town has a letter whose acknowledgement is past due: listed, with its number and the tag
      const overdue = page.getByRole('heading', { name: /^已超期事项（[1-9]\d*）$/ });
      await seen(overdue);
      const overdueCard = page.locator('.el-card').filter({ has: overdue });
      await seen(overdueCard.getByRole('link', { name: /^(XF|JF)-\d{8}-\d{4}$/ }).first());
      await seen(overdueCard.getByText('已超期', { exact: true }).first());
      await seen(page.getByRole('heading', { name: /^3日内到期事项（\d+）$/ }));
      await checkScreen(session, '5-dashboard');

      const [bulletin] = await Promise.all([
        session.context.waitForEvent('page'),
        page.getByRole('button', { name: '今日日报' }).click(),
      ]);
      await bulletin.waitForLoadState();
      await expect.poll(() => bulletin.locator('h1').first().textContent()).toContain('信访工作日报');
      expect(await text(bulletin)).toContain('统计期间');
      await screenshot(bulletin, '5-bulletin');
      expect(await accessibilityViolations(bulletin), 'axe on the bulletin').toEqual([]);
      expect(session.foreign()).toEqual([]);
    },
    STEP,
  );

  it(
    'the workbench speaks English when switched',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '信访办');
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await seen(page.getByRole('menuitem', { name: 'My cases' }));
      await seen(page.getByRole('menuitem', { name: 'Dashboard and bulletins' }));
      await seen(page.getByRole('heading', { name: 'My cases', level: 1 }));
      await page.goto(walked.caseUrl as string);
      await seen(page.locator('.head').getByText('Replied', { exact: true }));
      await seen(page.getByText('Chain verified', { exact: true }));
      await seen(page.getByRole('heading', { name: 'What you may do now' }));
      for (const label of ['Labour and wages', 'Letter', 'Do it now', 'Reply by'])
        await seen(page.getByText(label, { exact: true }));
      const body = await text(page);
      // labels, never codes
      expect(body).not.toMatch(/\b(labor_wages|replied|immediate)\b/);
      await checkScreen(session, '6-case-en');
    },
    STEP,
  );
});

describe('the other roles’ screens', () => {
  it(
    'a grid worker logs a patrol of their grid and finds it in its records',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '网格员');
      await page.getByRole('menuitem', { name: '网格与巡查' }).click();
      await seen(page.getByRole('heading', { name: '网格与巡查', level: 1 }));
      await page.locator('.el-tree').getByText('东村网格（村级网格）', { exact: true }).click();
      await seen(page.getByRole('heading', { name: '东村网格 巡查记录' }));
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const date = page.getByRole('combobox', { name: '日期', exact: true });
      await date.fill(today);
      await date.press('Enter');
      await page.getByRole('spinbutton', { name: '走访户数' }).fill('12');
      await page.getByLabel('巡查情况', { exact: true }).fill('走访东村3组12户，村道排水沟堵塞已报村委会。');
      await page.getByRole('button', { name: '保存巡查记录' }).click();
      await seen(page.getByText('巡查记录已保存'));
      const [y, m, d] = today.split('-').map(Number);
      const row = page.getByRole('row').filter({ hasText: '走访东村3组12户' });
      await expect.poll(() => row.textContent()).toContain(`${y}年${m}月${d}日`);
      await checkScreen(session, '7-patrol');
    },
    STEP,
  );

  it(
    'a town leader reads the reception roster and records',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '镇领导');
      await page.getByRole('menuitem', { name: '领导接访' }).click();
      await seen(page.getByRole('heading', { name: '近两周接访安排' }));
      // the demo town's roster names its leader on duty
      await seen(page.getByRole('row').filter({ hasText: '赵志强' }).first());
      await seen(page.getByRole('heading', { name: '近30日接访记录' }));
      await checkScreen(session, '8-reception');
    },
    STEP,
  );

  it(
    'a clerk, whose town the top bar names, transfers a registered case to the neighbouring town by its name',
    async () => {
      const session = await open();
      const { page } = session;
      await signIn(session, '窗口受理员');
      await seen(page.getByText('乡镇：枫桥镇'));
      expect(await page.locator('header.topbar').textContent()).not.toContain('demo-town');
      // a clerk's list starts with the cases awaiting acceptance, the seed's newest among them
      await page
        .getByRole('row')
        .filter({ hasText: '赡养老人费用分担纠纷' })
        .getByRole('link')
        .first()
        .click();
      await seen(page.getByRole('heading', { level: 1, name: /赡养老人费用分担纠纷/ }));
      await page.getByRole('button', { name: '转送', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: '转送' });
      await seen(dialog);
      await dialog.getByText('本市其他乡镇', { exact: true }).click();
      await choose(page, '接收乡镇', '东溪镇');
      await checkScreen(session, '9-transfer');
      await dialog.getByRole('button', { name: '确定' }).click();
      await seen(page.locator('.head').getByText('已转送', { exact: true }));
      await expect.poll(() => page.locator('.linked-case').textContent()).toMatch(/^东溪镇（编号 \S+）$/);
      await checkScreen(session, '9-transferred');
    },
    STEP,
  );

  it(
    'a city supervisor sees both towns by name, opens 枫桥镇’s overdue list and supervises a letter in it',
    async () => {
      const session = await open();
      const { page } = session;
      await page.goto(`${host.baseUrl}/`);
      await seen(page.getByRole('heading', { name: '信访工作台' }));
      await choose(page, '登录角色', '市/县信访局');
      const towns = page.getByLabel('所辖乡镇编号（以逗号分隔）');
      await seen(towns);
      expect(await towns.inputValue()).toBe('demo-town, town-b');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await seen(page.getByText('角色：市/县信访局'));
      // the towns by the names the city's metrics give them, never their ids; the city's menu, no town's
      await seen(page.getByText('所辖乡镇：枫桥镇、东溪镇'));
      expect(await page.locator('header.topbar').textContent()).not.toMatch(/demo-town|town-b/);
      await seen(page.getByRole('menuitem', { name: '城市总览' }));
      expect((await page.getByRole('menuitem').allTextContents()).map((item) => item.trim())).toEqual([
        '城市总览',
        '各镇事项',
      ]);
      await seen(page.getByRole('heading', { name: '城市总览', level: 1 }));
      const table = page.locator('.towns');
      await seen(table.getByRole('cell', { name: '枫桥镇', exact: true }).first());
      await seen(table.getByRole('cell', { name: '东溪镇', exact: true }).first());
      const ranking = page.locator('.ranking');
      await seen(ranking.getByRole('cell', { name: '东溪镇', exact: true }));
      // a town without the sample is not ranked, and says so
      await seen(ranking.getByText(/^(第\d+名|样本不足)$/).first());
      expect(await text(page)).not.toMatch(/\bnull\b|undefined|NaN/);
      await checkScreen(session, '7-city-overview');
      // the city's bulletin of the week, the API's printable page, names both towns
      const [bulletin] = await Promise.all([
        session.context.waitForEvent('page'),
        page.getByRole('button', { name: '本周全市周报' }).click(),
      ]);
      await bulletin.waitForLoadState();
      await expect.poll(() => text(bulletin)).toContain('东溪镇');
      expect(await text(bulletin)).toContain('枫桥镇');
      await screenshot(bulletin, '7-city-bulletin');
      expect(await accessibilityViolations(bulletin), 'axe on the city bulletin').toEqual([]);
      await bulletin.close();

      await page.getByRole('menuitem', { name: '各镇事项' }).click();
      await choose(page, '乡镇', '枫桥镇');
      await seen(page.getByRole('heading', { name: '枫桥镇·已超期事项' }));
      // the demo town's letter past its acknowledgement deadline
      const letter = page.getByRole('link', { name: /^(XF|JF)-\d{8}-\d{4}$/ }).first();
      await seen(letter);
      await seen(page.getByRole('row').filter({ has: letter }).getByText('已超期', { exact: true }));
      await letter.click();
      await seen(page.getByRole('heading', { name: '督办', exact: true }));
      await seen(page.getByRole('heading', { name: '办理进程' }));
      await seen(page.getByText('个人信息已遮蔽，上级机关不查看明文。'));
      await page.getByLabel('督办意见').fill('请于三日内告知信访人是否受理，并报告办理情况。');
      await page.getByRole('button', { name: '发出督办' }).click();
      await seen(page.getByText(/^已督办，已通知乡镇\d+人。$/));
      await seen(page.getByText('上级督办', { exact: true }));
      await seen(page.getByText('请于三日内告知信访人是否受理，并报告办理情况。', { exact: true }));
      await checkScreen(session, '7-city');
    },
    STEP,
  );
});
