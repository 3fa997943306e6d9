import { parseArgs } from 'node:util';
import { ROLES } from '../domain/roles.js';
import { DEFAULT_TOWN, issueToken, loadOrCreateKeys } from './identity.js';
import { DATA_DIR } from './paths.js';

/** `npm run token -- --role <role> --sub <id> [--town <town>]`: a bearer token the local host accepts. */
const { values } = parseArgs({
  options: {
    role: { type: 'string', multiple: true },
    sub: { type: 'string' },
    town: { type: 'string', default: DEFAULT_TOWN },
    'expires-in': { type: 'string', default: '28800' },
  },
});

const roles = (values.role ?? []).flatMap((r) => r.split(','));
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (roles.length === 0 || !values.sub || unknown.length) {
  console.error(
    `usage: npm run token -- --role <${ROLES.join('|')}> [--role ...] --sub <user id> [--town <town>]`,
  );
  process.exit(2);
}

const keys = await loadOrCreateKeys(DATA_DIR);
console.log(
  await issueToken(keys, {
    roles,
    sub: values.sub,
    town: values.town,
    expiresInSeconds: Number(values['expires-in']),
  }),
);
