import { randomBytes } from 'node:crypto';
import type { GridRepository } from '../adapters/grid-repository.js';
import type { HelperRepository } from '../adapters/helper-repository.js';
import type { PersonalVault } from '../adapters/personal-vault.js';
import { ContentionError, StaleVersionError } from '../domain/errors.js';
import { HELPER_PHONE_FIELD, type HelperRecord } from '../domain/helper.js';
import { maskPhone } from '../domain/masking.js';

/** The town's directory of helpers who are not staff: adding one, and changing or deactivating them. */

interface HelperDirectoryPorts {
  helpers: Pick<HelperRepository, 'create' | 'update'>;
  grids: Pick<GridRepository, 'get'>;
  vault: Pick<PersonalVault, 'sealHelper'>;
}

type HelperFields = Pick<HelperRecord, 'name' | 'kind' | 'unit' | 'gridId'>;

interface NewHelper extends HelperFields {
  phone: string;
}

/** What may change; `null` removes the grid or the phone. */
interface HelperChange extends Partial<Omit<HelperFields, 'gridId'>> {
  gridId?: string | null;
  phone?: string | null;
  active?: boolean;
}

/** The helper as kept, or a grid that is not the town's (for the caller to be told in their language). */
type HelperOutcome = { kind: 'kept'; helper: HelperRecord } | { kind: 'unknown-grid' };

/** Helper ids begin with their creation time (base 36, fixed width), so the directory lists newest first. */
const newHelperId = (at: Date) =>
  `h_${at.getTime().toString(36).padStart(9, '0')}${randomBytes(6).toString('base64url')}`;

const isTownGrid = async (ports: HelperDirectoryPorts, town: string, gridId: string | null | undefined) =>
  !gridId || (await ports.grids.get(town, gridId)) !== undefined;

/** The phone sealed under a new data key of the helper's, and its masked form. */
async function sealedPhone(ports: HelperDirectoryPorts, town: string, id: string, phone: string) {
  const personal = await ports.vault.sealHelper(town, id, { [HELPER_PHONE_FIELD]: phone });
  return { phoneMasked: maskPhone(phone), ...(personal ? { personal } : {}) };
}

export async function addHelper(
  ports: HelperDirectoryPorts,
  town: string,
  { phone, ...fields }: NewHelper,
  now: Date,
): Promise<HelperOutcome> {
  if (!(await isTownGrid(ports, town, fields.gridId))) return { kind: 'unknown-grid' };
  const id = newHelperId(now);
  const helper: HelperRecord = {
    ...fields,
    id,
    town,
    ...(await sealedPhone(ports, town, id, phone)),
    active: true,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  // ids carry 48 random bits: a clash is a retry's business
  if (!(await ports.helpers.create(helper))) throw new ContentionError();
  return { kind: 'kept', helper };
}

/** Changes a helper as of the version the caller read. */
export async function changeHelper(
  ports: HelperDirectoryPorts,
  helper: HelperRecord,
  change: HelperChange,
  expectedVersion: number | undefined,
  now: Date,
): Promise<HelperOutcome> {
  if (!(await isTownGrid(ports, helper.town, change.gridId))) return { kind: 'unknown-grid' };
  if (expectedVersion !== helper.version) throw new StaleVersionError();
  const { gridId, phone, ...fields } = change;
  const next: HelperRecord = { ...helper, ...fields };
  if (gridId === null) delete next.gridId;
  else if (gridId !== undefined) next.gridId = gridId;
  if (phone === null) {
    // the number goes with its data key: nothing of it is left to reveal
    delete next.phoneMasked;
    delete next.personal;
  } else if (phone !== undefined)
    Object.assign(next, await sealedPhone(ports, helper.town, helper.id, phone));
  next.version = helper.version + 1;
  next.updatedAt = now.toISOString();
  if (!(await ports.helpers.update(helper, next))) throw new StaleVersionError();
  return { kind: 'kept', helper: next };
}
