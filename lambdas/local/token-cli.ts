import { ROLES } from '../domain/roles.js';
import { parseFlags, usageError } from './cli.js';
import { DEFAULT_TOWN, issueToken, loadOrCreateKeys } from './identity.js';
import { DATA_DIR } from './paths.js';

/** `npm run token -- --role <role> --sub <id> [--town <town>]`: a bearer token the local host accepts. */

const ROLE_TEXT: Record<(typeof ROLES)[number], string> = {
  clerk: 'window clerk (窗口受理员): registers, accepts, declines, transfers, calls back',
  grid_worker: 'grid worker (网格员): logs patrols of the grids assigned to them',
  handler: 'case handler (承办人): works assigned cases, writes the reply',
  leader: 'town leader (镇领导): owns key cases (包案), approves extensions, reads reports',
  supervisor: 'petition office (信访办): sees the whole town, supervises, publishes bulletins',
  admin: 'administrator (系统管理员): grids, staff, policy, calendars, Open311 keys',
  petitioner: 'citizen (群众): files online, claims and tracks own cases, rates',
  city_supervisor: 'city petition bureau (市/县信访局): reads and supervises the towns of --towns (/v1/city)',
};

const USAGE = `usage: npm run token -- --role <role> [--role <role>...] --sub <user id> [--town <town> | --towns <towns>] [--expires-in <seconds>]

Prints a bearer token the local host (npm start) accepts.

  --role <role>          one of the roles below; repeat it, or separate roles by commas, for several
  --sub <user id>        the user's id (the token's sub), e.g. clerk-1
  --town <town>          the user's town (custom:town); default ${DEFAULT_TOWN}
  --towns <towns>        city_supervisor only: the towns of its city (custom:towns), comma-separated
  --expires-in <seconds> how long the token is valid; default 28800 (8 hours)
  -h, --help             this text

roles:
${ROLES.map((role) => `  ${role.padEnd(16)} ${ROLE_TEXT[role]}`).join('\n')}

examples:
  TOKEN=$(npm run --silent token -- --role clerk --sub clerk-1)
  CITY=$(npm run --silent token -- --role city_supervisor --sub city-1 --towns demo-town,town-b)
  curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/v1/cases`;

const values = parseFlags(
  {
    role: { type: 'string', multiple: true },
    sub: { type: 'string' },
    town: { type: 'string', default: DEFAULT_TOWN },
    towns: { type: 'string' },
    'expires-in': { type: 'string', default: '28800' },
  },
  USAGE,
);

const roles = (values.role ?? []).flatMap((r) => r.split(',')).filter(Boolean);
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (roles.length === 0) usageError('--role is required', USAGE);
if (unknown.length) usageError(`unknown role ${unknown.join(', ')}`, USAGE);
if (!values.sub?.trim()) usageError('--sub is required', USAGE);
const expiresIn = Number(values['expires-in']);
if (!/^\d+$/.test(values['expires-in']) || expiresIn < 1)
  usageError('--expires-in must be a whole number of seconds', USAGE);

const city = roles.includes('city_supervisor');
const towns = (values.towns ?? '')
  .split(',')
  .map((town) => town.trim())
  .filter(Boolean);
if (city && roles.length > 1) usageError('city_supervisor is a role of its own: give no other role', USAGE);
if (city && towns.length === 0) usageError('--towns is required for city_supervisor', USAGE);
if (!city && values.towns !== undefined) usageError('--towns is for city_supervisor only', USAGE);

const keys = await loadOrCreateKeys(DATA_DIR);
console.log(
  await issueToken(keys, {
    roles,
    sub: values.sub.trim(),
    ...(city ? { towns } : { town: values.town }),
    expiresInSeconds: expiresIn,
  }),
);
