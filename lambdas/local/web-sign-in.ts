import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import { PAGE_HEADERS, pageContentSecurityPolicy } from '../../lib/constructs/web-headers.js';
import { ROLES, type Role } from '../domain/roles.js';
import type { Language } from '../http/messages/index.js';
import { fieldProblem, HttpProblem, languageOf, problemResponse } from '../http/problem.js';
import { parseWith } from '../http/validation.js';
import { DEFAULT_TOWN, issueToken, type LocalKeys } from './identity.js';
import { DEMO_STAFF } from './seed.js';

/**
 * The local host's sign-in, standing in for Cognito's hosted UI or the town's OIDC issuer: `POST /dev/tokens` issues
 * the same dev token `npm run token` prints, for a role chosen by whoever asks, and `GET /dev/sign-in` is a page that
 * asks for one. Only the local host has these paths: they are in no route table the stack reads.
 */

/** How long a token of the sign-in lasts: a working day, as `npm run token`'s. */
const TOKEN_SECONDS = 8 * 3600;

/** A body of the sign-in is a few fields: anything larger is no request of it. */
const MAX_BODY_BYTES = 16 * 1024;

/** The role whose tokens name towns (`custom:towns`) rather than a town. */
const CITY_ROLE: string = 'city_supervisor';

/** A tenant id as `custom:town` holds it (as the stack's context checks it). */
const TOWN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const TokenRequestBody = z.strictObject({
  role: z.enum(ROLES),
  sub: z.optional(
    z.string().check(
      z.trim(),
      z.minLength(1),
      z.maxLength(128),
      // empty is the length's to refuse
      z.regex(/^([A-Za-z0-9][A-Za-z0-9._@-]*)?$/),
    ),
  ),
  town: z.optional(z.string().check(z.regex(TOWN))),
  /** A city supervisor's towns (`custom:towns`); no other role has any. */
  towns: z.optional(z.array(z.string().check(z.regex(TOWN))).check(z.minLength(1), z.maxLength(100))),
});

/** The user a role signs in as when the request names none: the demo town's staff member holding it. */
export const defaultSubFor = (role: Role): string =>
  DEMO_STAFF.find((staff) => (staff.roles as readonly string[]).includes(role))?.userId ??
  (role === 'petitioner' ? 'citizen-1' : `${role.replace('_', '-')}-1`);

async function readBody(req: IncomingMessage): Promise<string | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function tokenAnswer(
  keys: LocalKeys,
  req: IncomingMessage,
  language: Language,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const text = await readBody(req);
  if (text === 'too-large')
    throw new HttpProblem('payload-too-large', (m) => m.detail['too-large']({ bytes: MAX_BODY_BYTES }));
  const contentType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json')
    throw new HttpProblem('unsupported-media-type', (m) => m.detail['media-type']);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw new HttpProblem('validation', (m) => m.detail['bad-json'], {
      errors: [{ path: '', message: (m) => m.field['bad-json'] }],
    });
  }
  const body = parseWith(TokenRequestBody, input, language);
  if (body.towns && body.role !== CITY_ROLE)
    throw fieldProblem('towns', (_m, lang) =>
      lang === 'en' ? `only the role ${CITY_ROLE} has towns` : `只有 ${CITY_ROLE} 角色有所辖乡镇`,
    );
  const sub = body.sub ?? defaultSubFor(body.role);
  const town = body.town ?? DEFAULT_TOWN;
  const towns = body.role === CITY_ROLE ? [...new Set(body.towns ?? [town])] : undefined;
  const token = await issueToken(keys, {
    roles: [body.role],
    sub,
    town,
    expiresInSeconds: TOKEN_SECONDS,
    ...(towns ? { extraClaims: { 'custom:towns': towns } } : {}),
  });
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({
      access_token: token,
      token_type: 'Bearer',
      expires_in: TOKEN_SECONDS,
      sub,
      town,
      ...(towns ? { towns } : {}),
      roles: [body.role],
    }),
  };
}

const ROLE_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  clerk: { zh: '窗口受理员', en: 'Window clerk' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  handler: { zh: '承办人', en: 'Case handler' },
  leader: { zh: '镇领导', en: 'Town leader' },
  supervisor: { zh: '信访办', en: 'Petition office' },
  admin: { zh: '系统管理员', en: 'Administrator' },
  petitioner: { zh: '群众', en: 'Citizen' },
  city_supervisor: { zh: '市（县）信访局', en: 'City petition bureau' },
};

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sign-in page: one button per role (and demo user), the token shown to copy. Its script is a file of its own. */
function signInPage(language: Language): string {
  const t = (zh: string, en: string) => (language === 'en' ? en : zh);
  const users = ROLES.flatMap((role) => {
    const staff = DEMO_STAFF.filter((s) => (s.roles as readonly string[]).includes(role));
    const subs = staff.length
      ? staff.map((s) => ({ sub: s.userId, name: s.name }))
      : [{ sub: defaultSubFor(role), name: '' }];
    return subs.map(({ sub, name }) => ({ role, sub, name }));
  });
  const rows = users
    .map(
      ({ role, sub, name }) =>
        `<li><button type="button" data-role="${role}" data-sub="${escapeHtml(sub)}">${escapeHtml(
          (ROLE_LABELS[role] ?? { zh: role, en: role })[language],
        )} · ${escapeHtml(sub)}${name && language === 'zh' ? `（${escapeHtml(name)}）` : ''}</button></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${language === 'en' ? 'en' : 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('本地登录（开发用）', 'Local sign-in (development)')}</title>
<script src="/dev/sign-in.js" defer></script>
</head>
<body>
<main>
<h1>${t('本地登录（开发用）', 'Local sign-in (development)')}</h1>
<p>${t(
    `此页面只在本地服务上提供，不会部署。选择一个角色，取得 ${DEFAULT_TOWN} 的令牌；工作台（<a href="/">/</a>）有自己的登录界面。`,
    `This page exists on the local host only and is never deployed. Pick a role to get a token for ${DEFAULT_TOWN}; the workbench (<a href="/">/</a>) has a sign-in screen of its own.`,
  )}</p>
<ul>
${rows}
</ul>
<p><label for="token">${t('访问令牌', 'Access token')}</label></p>
<textarea id="token" rows="6" cols="80" readonly></textarea>
<p id="usage"></p>
</main>
</body>
</html>
`;
}

const SIGN_IN_SCRIPT = `document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-role]');
  if (!button) return;
  const answer = await fetch('/dev/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': document.documentElement.lang },
    body: JSON.stringify({ role: button.dataset.role, sub: button.dataset.sub }),
  });
  const body = await answer.json();
  document.getElementById('token').value = body.access_token || body.detail || '';
  document.getElementById('usage').textContent = body.access_token
    ? 'curl -H "Authorization: Bearer ' + body.access_token.slice(0, 16) + '…" ' + location.origin + '/v1/me'
    : '';
});
`;

/**
 * A handler of the sign-in's paths: true when it answered. A bad request gets a problem naming the field (an unknown
 * role: `role`), in the caller's language.
 */
export function createLocalSignIn(keys: LocalKeys) {
  return async function serveSignIn(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '/').split(/[?#]/, 1)[0];
    const method = (req.method ?? 'GET').toUpperCase();
    const language = languageOf(req.headers['accept-language']);
    const page = { 'content-security-policy': pageContentSecurityPolicy(), ...PAGE_HEADERS };
    if (path === '/dev/tokens' && method === 'POST') {
      try {
        const answer = await tokenAnswer(keys, req, language);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      } catch (error) {
        const result = problemResponse(error, { language, instance: path });
        res.writeHead(result.statusCode ?? 500, result.headers as Record<string, string>);
        res.end(result.body);
      }
      return true;
    }
    if (path === '/dev/sign-in' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...page,
      });
      res.end(method === 'HEAD' ? undefined : signInPage(language));
      return true;
    }
    if (path === '/dev/sign-in.js' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
        ...page,
      });
      res.end(method === 'HEAD' ? undefined : SIGN_IN_SCRIPT);
      return true;
    }
    return false;
  };
}
