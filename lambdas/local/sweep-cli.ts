import { loadOrCreateLocalKeyRing, localKeyWrapper } from '../adapters/data-keys.js';
import { documentClient } from '../adapters/deps.js';
import { loadOrCreateLocalSecret, localMac } from '../adapters/mac.js';
import { TablePublisher } from '../adapters/publisher.js';
import { tableNamesFor } from '../adapters/table-model.js';
import { runSweep } from '../usecases/sweep.js';
import { sweepDeps } from '../usecases/sweep-deps.js';
import { parseFlags, usageError } from './cli.js';
import { localClient, readRuntime } from './dynamo-local.js';
import { DATA_DIR } from './paths.js';

/** `npm run sweep -- --at <datetime>`: one deadline sweep as of that time, against the running `npm start`. */

const USAGE = `usage: npm run sweep -- [--at <datetime>]

Runs one deadline sweep against the data of the running local host (npm start), as of that time, and prints one
JSON line {itemsRead, due, warned, escalated, overdue, published}.

  --at <datetime>  ISO 8601 with an offset, e.g. 2026-12-20T09:00:00+08:00; default now
  -h, --help       this text

example:
  npm run sweep -- --at 2026-12-20T09:00:00+08:00`;

const values = parseFlags({ at: { type: 'string' } }, USAGE);
const at = values.at ? new Date(values.at) : new Date();
if (Number.isNaN(at.getTime()) || (values.at !== undefined && !/[zZ]|[+-]\d\d:?\d\d$/.test(values.at)))
  usageError('--at must be an ISO 8601 datetime with an offset', USAGE);
const runtime = readRuntime(DATA_DIR);
if (!runtime) {
  console.error('no running local host found: start it with `npm start` first');
  process.exit(1);
}

const db = documentClient(localClient(runtime.endpoint));
const tables = tableNamesFor(runtime.tablePrefix);
const deps = {
  db,
  tables,
  now: () => at,
  mac: localMac(loadOrCreateLocalSecret(DATA_DIR)),
  dataKeys: localKeyWrapper(loadOrCreateLocalKeyRing(DATA_DIR)),
  publisher: new TablePublisher(db, tables.cases),
};
const result = await runSweep(sweepDeps(deps), at);
const { publishFailed: _failed, ...line } = result;
console.log(JSON.stringify(line));
