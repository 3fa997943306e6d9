import type { Context } from 'aws-lambda';
import type { Deps } from '../adapters/deps.js';
import type { FunctionFamily } from '../adapters/function-families.js';
import { createAdminHandler } from '../handlers/admin.js';
import { createCasesHandler } from '../handlers/cases.js';
import { createGridsHandler } from '../handlers/grids.js';
import { createMeHandler } from '../handlers/me.js';
import { createOpen311Handler } from '../handlers/open311.js';
import { createPrivacyHandler } from '../handlers/privacy.js';
import { createPublicHandler } from '../handlers/public.js';
import { createReportsHandler } from '../handlers/reports.js';
import type { ApiEvent, ApiResult } from '../http/api.js';

export type FamilyHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/** The very handlers the stack deploys, one per function family, built over the given dependencies. */
export function createFamilyHandlers(deps: Deps): Record<FunctionFamily, FamilyHandler> {
  return {
    public: createPublicHandler(deps),
    cases: createCasesHandler(deps),
    grids: createGridsHandler(deps),
    me: createMeHandler(deps),
    privacy: createPrivacyHandler(deps),
    admin: createAdminHandler(deps),
    reports: createReportsHandler(deps),
    open311: createOpen311Handler(deps),
  };
}
