import type { Context } from 'aws-lambda';
import type { Deps } from '../adapters/deps.js';
import type { FunctionFamily } from '../adapters/function-families.js';
import { createAdminHandler } from '../handlers/admin.js';
import { createAttachmentsHandler } from '../handlers/attachments.js';
import { createCasesHandler } from '../handlers/cases.js';
import { createCityHandler } from '../handlers/city.js';
import { createGridsHandler } from '../handlers/grids.js';
import { createMeHandler } from '../handlers/me.js';
import { createMeetingsHandler } from '../handlers/meetings.js';
import { createOpen311Handler } from '../handlers/open311.js';
import { createPrivacyHandler } from '../handlers/privacy.js';
import { createPublicHandler } from '../handlers/public.js';
import { createReceptionHandler } from '../handlers/reception.js';
import { createReportsHandler } from '../handlers/reports.js';
import type { ApiEvent, ApiResult } from '../http/api.js';
import { openApiDocument } from '../openapi/document.js';
import { townsFrom } from '../usecases/reports.js';
import { DEFAULT_TOWN, NEIGHBOUR_TOWN } from './identity.js';

export type FamilyHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/**
 * The towns the local host serves: `TOWNS` (comma-separated), else the demo town and its neighbour, so that a city
 * supervisor reads two towns and a case can be transferred between them from the first start.
 */
export const localTowns = (): string[] => {
  const listed = townsFrom(process.env.TOWNS);
  return listed.length ? listed : [DEFAULT_TOWN, NEIGHBOUR_TOWN];
};

/**
 * The very handlers the stack deploys, one per function family, built over the given dependencies; `towns` are the
 * deployment's towns, which Open311 serves from the start (none: only the towns keys were issued for).
 */
export function createFamilyHandlers(
  deps: Deps,
  options: { towns?: readonly string[] } = {},
): Record<FunctionFamily, FamilyHandler> {
  return {
    // the document the stack builds at synth and packages beside the public function's bundle, built here
    public: createPublicHandler(deps, { openApiDocument }),
    cases: createCasesHandler(deps, options),
    grids: createGridsHandler(deps),
    me: createMeHandler(deps),
    privacy: createPrivacyHandler(deps),
    admin: createAdminHandler(deps),
    reports: createReportsHandler(deps),
    open311: createOpen311Handler(deps, options),
    reception: createReceptionHandler(deps, options),
    meetings: createMeetingsHandler(deps),
    attachments: createAttachmentsHandler(deps),
    city: createCityHandler(deps, options),
  };
}
